import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { HOST_DIRECTORY, Member, Organization, OrganizationMember } from '../../examples/host-app/entities.js';
import { CreateHostTables1600000000000 } from '../../examples/host-app/migrations.js';
import { createDataSource, type HandoffDataSource } from '../../src/database/data-source.js';
import { runPendingMigrations } from '../../src/database/migration-runner.js';
import { describeEachDatabase } from '../support/test-databases.js';

/**
 * The example host app's schema: its own members / organizations tables, with Handoff's tables
 * and migrations listed beside its own (SPEC §10). What the host's `migration:generate` would
 * write afterwards must be nothing, or it would destroy Handoff's schema.
 */
describeEachDatabase('host schema: Handoff on a host app\'s own users and accounts tables', (database) => {
  let dataSource: HandoffDataSource;

  before(async () => {
    dataSource = await createDataSource(database().config.database, {
      directory: HOST_DIRECTORY,
      host: { entities: [Member, Organization, OrganizationMember], migrations: [CreateHostTables1600000000000] },
    });
    await dataSource.initialize();
  });
  after(async () => {
    await dataSource?.destroy();
  });

  test("the host's migrations and Handoff's run together; Handoff creates no users or accounts table of its own", async () => {
    const applied = await runPendingMigrations(dataSource);
    assert.equal(applied[0], 'CreateHostTables1600000000000');
    assert.ok(applied.includes('CreateCrossAppSessions1642700000000'));
    assert.ok(!applied.some((name) => /CreateUsers|CreateAccounts|AddUserIdentity/.test(name)));
    const runner = dataSource.createQueryRunner();
    try {
      for (const table of ['users', 'accounts', 'account_members']) assert.equal(await runner.hasTable(table), false, table);
      assert.equal(await runner.hasTable('cross_app_sessions'), true);
    } finally {
      await runner.release();
    }
  });

  test("the host's migration:generate finds nothing to do after Handoff's migrations", async () => {
    const pending = (await dataSource.driver.createSchemaBuilder().log()).upQueries.map((query) => query.query);
    assert.deepEqual(pending, []);
  });
});
