import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { HandoffDataSource } from '../../src/database/data-source.js';
import { MembershipRepository } from '../../src/directory/membership.repository.js';
import { UserRepository } from '../../src/directory/user.repository.js';
import { openDataSource } from '../support/handoff.js';
import { describeEachDatabase } from '../support/test-databases.js';

describeEachDatabase('directory: a user and its role in an account, by their own ids', (database) => {
  let dataSource: HandoffDataSource;

  before(async () => {
    dataSource = await openDataSource(database(), { migrate: true });
  });
  after(async () => {
    await dataSource?.destroy();
  });

  test("user and account ids that differ are never taken for each other (MySQL's ? bind by position)", async () => {
    const users = new UserRepository(dataSource);
    const [first, second] = [await users.insert({ email: 'first@example.com', name: null }), await users.insert({ email: 'second@example.com', name: 'Second' })];
    const accountIds: number[] = [];
    for (const slug of ['a-one', 'a-two', 'a-three']) {
      await dataSource.query(`INSERT INTO accounts (name, slug) VALUES ('${slug}', '${slug}')`);
      const [row] = (await dataSource.query(`SELECT id FROM accounts WHERE slug = '${slug}'`)) as Array<{ id: number }>;
      accountIds.push(Number(row!.id));
    }
    const third = accountIds[2]!;
    assert.notEqual(third, second!.id);
    const memberships = new MembershipRepository(dataSource);
    await memberships.upsert(third, second!.id, 'owner');

    assert.deepEqual(await memberships.findUserWithRole(second!.id, third), { id: second!.id, email: 'second@example.com', name: 'Second', role: 'owner' });
    assert.equal((await memberships.findUserWithRole(first!.id, third))?.role, null);
    assert.equal((await memberships.findUserWithRole(second!.id, accountIds[0]!))?.role, null);
    assert.deepEqual(await memberships.accountsOfUser(second!.id), [{ id: third, name: 'a-three', slug: 'a-three', role: 'owner' }]);
  });
});
