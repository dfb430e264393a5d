import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { HOST_DIRECTORY, Member, Organization, OrganizationMember } from '../../examples/host-app/entities.js';
import { CreateHostTables1600000000000 } from '../../examples/host-app/migrations.js';
import { createDataSource } from '../../src/database/data-source.js';
import { runPendingMigrations } from '../../src/database/migration-runner.js';
import { describeEachDatabase } from '../support/test-databases.js';
import { TestServer } from '../support/test-server.js';

/**
 * The standalone server on a host app's database, told the host's tables by HANDOFF_DIRECTORY
 * (the same variable the CLI reads in the host's project): the whole handoff reads the host's
 * members, organizations and roles, and Handoff creates no users or accounts table of its own.
 */
describeEachDatabase("the standalone server on a host app's tables (HANDOFF_DIRECTORY)", (database) => {
  let server: TestServer;
  let organizationId: number;

  before(async () => {
    // The host's schema and rows, as the host's own migrations and code would leave them.
    const host = await createDataSource(database().config.database, {
      directory: HOST_DIRECTORY,
      host: { entities: [Member, Organization, OrganizationMember], migrations: [CreateHostTables1600000000000] },
    });
    await host.initialize();
    try {
      await runPendingMigrations(host);
      await host.getRepository(Member).insert({ mail: 'host-member@example.com', displayName: 'Host Member', passwordHash: 'x' });
      const member = await host.getRepository(Member).findOneByOrFail({ mail: 'host-member@example.com' });
      await host.getRepository(Organization).insert({ title: 'Host Org', handle: 'host-org' });
      const organization = await host.getRepository(Organization).findOneByOrFail({ handle: 'host-org' });
      await host.getRepository(OrganizationMember).insert({ orgId: organization.orgId, memberId: member.memberId, memberRole: 'owner' });
      organizationId = organization.orgId;
    } finally {
      await host.destroy();
    }
    server = await TestServer.start(database(), { HANDOFF_DIRECTORY: JSON.stringify(HOST_DIRECTORY) });
  });
  after(async () => {
    await server?.close();
  });

  test("a token for a host member, a handoff into its organization, the member's name and role back", async () => {
    const issued = await server.admin<{ access_token: string; user_id: number }>('POST', '/tokens', { email: 'host-member@example.com' });
    assert.equal(issued.status, 201, issued.text);
    const secret = await server.app('hi-events');
    // The host's accounts are the host's to manage: Handoff's admin API leaves them alone.
    assert.equal((await server.admin('POST', '/accounts', { name: 'Not here', slug: 'not-here' })).status, 409);

    const generated = await server.request('POST', '/api/cross-app/generate-session', {
      token: issued.body.access_token,
      json: { target_app: 'hi-events', account_id: organizationId },
    });
    assert.equal(generated.status, 200, generated.text);
    const validated = await server.request('POST', '/api/cross-app/validate-session', {
      json: { session_token: generated.body.session_token },
      headers: { 'x-shared-secret': secret },
    });
    assert.equal(validated.status, 200, validated.text);
    assert.equal(validated.body.email, 'host-member@example.com');
    assert.equal(validated.body.name, 'Host Member');
    assert.equal(validated.body.account_id, organizationId);
    assert.ok(Array.isArray(validated.body.permissions) && validated.body.permissions.length > 0, validated.text);
  });
});
