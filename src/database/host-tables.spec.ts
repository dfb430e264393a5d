import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DirectorySql } from '../directory/directory-sql.js';
import { hostTables, referencesSql, resolveHostTables, STANDALONE_TABLES, useHostTables } from './host-tables.js';

const MEMBERS = {
  users: { table: 'members', id: 'member_id', email: 'mail', name: null, disabledAt: null },
  accounts: { table: 'organizations', id: 'org_id' },
};

describe('host tables', () => {
  it('no mapping is the standalone service; any mapping, even an empty one, is a host', () => {
    assert.equal(resolveHostTables(undefined), STANDALONE_TABLES);
    assert.equal(resolveHostTables({}).standalone, false);
    assert.deepEqual(resolveHostTables({}).users, STANDALONE_TABLES.users);
  });

  it('fills in the defaults the host leaves out and refuses names that are not plain identifiers', () => {
    const tables = resolveHostTables(MEMBERS);
    assert.deepEqual(tables.accounts, { table: 'organizations', id: 'org_id', name: 'name', slug: 'slug' });
    assert.throws(() => resolveHostTables({ users: { table: 'members; DROP TABLE x' } }), /directory\.users\.table/);
    assert.throws(() => resolveHostTables({ users: { email: 'mail"' } }), /not a plain SQL identifier/);
  });

  it("references and joins name the host's tables, quoted per dialect", () => {
    useHostTables(MEMBERS);
    try {
      assert.equal(referencesSql('postgres', 'users'), 'REFERENCES "members"("member_id")');
      assert.equal(referencesSql('mysql', 'accounts'), 'REFERENCES `organizations`(`org_id`)');
      const sql = new DirectorySql('postgres');
      // No disabled column and no name column: no condition, and a NULL name.
      assert.equal(sql.activeUserJoin('u', 's.user_id'), 'LEFT JOIN "members" u ON u."member_id" = s.user_id');
      assert.equal(sql.userColumns('u'), 'u."mail" AS email, NULL AS name');
    } finally {
      useHostTables(undefined);
    }
    assert.equal(hostTables(), STANDALONE_TABLES);
    assert.match(new DirectorySql('mysql').activeUserJoin('u', 's.user_id'), /AND u\.`disabled_at` IS NULL$/);
  });
});
