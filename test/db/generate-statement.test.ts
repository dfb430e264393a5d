import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { CrossAppSessionRepository } from '../../src/cross-app/cross-app-session.repository.js';
import type { HandoffDataSource } from '../../src/database/data-source.js';
import { UserRepository } from '../../src/directory/user.repository.js';
import { StatementCounter } from '../../src/rate-limits/statement-counter.js';
import { openDataSource } from '../support/handoff.js';
import { describeEachDatabase } from '../support/test-databases.js';

/**
 * generate-session's one statement (PostgreSQL) against memberships as a host's table may hold
 * them: several rows for one user and account, or a row without a role. Handoff's own table has a
 * primary key on (account, user); it is dropped here to stand for a host's.
 */
describeEachDatabase(
  "generate's one statement on a host's memberships",
  (database) => {
    let dataSource: HandoffDataSource;
    let userId: number;
    const accounts: Record<string, number> = {};

    before(async () => {
      dataSource = await openDataSource(database(), { migrate: true });
      userId = (await new UserRepository(dataSource).insert({ email: 'host-member@example.com', name: null }))!.id;
      await dataSource.query('ALTER TABLE account_members DROP CONSTRAINT account_members_pkey');
      for (const slug of ['twice', 'no-role', 'none']) {
        const [row] = (await dataSource.query(`INSERT INTO accounts (name, slug) VALUES ('${slug}', '${slug}') RETURNING id`)) as Array<{ id: number }>;
        accounts[slug] = Number(row!.id);
      }
      await dataSource.query(`INSERT INTO account_members (account_id, user_id, role) VALUES ($1, $2, 'owner'), ($1, $2, 'organizer'), ($3, $2, '')`, [
        accounts.twice,
        userId,
        accounts['no-role'],
      ]);
    });
    after(async () => {
      await dataSource?.destroy();
    });

    async function generate(accountId: number | null) {
      const counter = new StatementCounter('rate_limits', `generate:${userId}`, { points: 100, seconds: 60 }, () => undefined);
      const tokenHash = Math.random().toString(16).slice(2).padEnd(64, '0');
      const result = await new CrossAppSessionRepository(dataSource).insertForCaller(
        { tokenHash, userId, accountId, sourceApp: 'tuvens', targetApp: 'hi-events', ttlSeconds: 900 },
        () => undefined,
        counter,
      );
      const [{ n }] = (await dataSource.query('SELECT COUNT(*) AS n FROM cross_app_sessions WHERE token_hash = $1', [tokenHash])) as Array<{ n: string }>;
      return { allowed: result.allowed, inserted: result.session !== null, rows: Number(n), points: result.counted?.points };
    }

    test('two membership rows: one session, one count', async () => {
      assert.deepEqual(await generate(accounts.twice!), { allowed: true, inserted: true, rows: 1, points: 1 });
    });

    test('a membership without a role, or none: not allowed, nothing written or counted', async () => {
      assert.deepEqual(await generate(accounts['no-role']!), { allowed: false, inserted: false, rows: 0, points: undefined });
      assert.deepEqual(await generate(accounts.none!), { allowed: false, inserted: false, rows: 0, points: undefined });
      assert.deepEqual(await generate(null), { allowed: true, inserted: true, rows: 1, points: 2 });
    });
  },
  ['pglite', 'postgres'],
);
