import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';
import type { CleanupResultDto } from '../../src/maintenance/maintenance.schemas.js';
import { openDataSource } from '../support/handoff.js';
import { childEnv, finished, handoff, ROOT } from '../support/processes.js';
import { idsOf, insertSessions, insertUser, sessionMix } from '../support/session-fixtures.js';
import { describeEachDatabase } from '../support/test-databases.js';

// SPEC §7 / issue 6: a cleanup killed in the middle loses and duplicates nothing; the next run
// finishes. (Not on PGlite: a killed process leaves its data folder locked, as a crashed server
// would; the check is about the servers' transactions.)
describeEachDatabase(
  'cleanup killed in the middle',
  (database) => {
    test('SIGKILL between batches: every session is in exactly one table; running again finishes the move', async () => {
      const dataSource = await openDataSource(database(), { migrate: true });
      let dead: number[];
      let live: number[];
      try {
        ({ dead, live } = await insertSessions(dataSource, await insertUser(dataSource, 'kill@example.com'), sessionMix(4000)));
      } finally {
        await dataSource.destroy();
      }
      const archived = async () => Number((await database().admin('SELECT COUNT(*) AS n FROM cross_app_sessions_archive'))[0]!.n);

      // Batches of 5: hundreds of transactions, so that the kill lands between two of them.
      const child = spawn(process.execPath, ['bin/handoff.js', 'cleanup', '--batch-size', '5'], {
        cwd: ROOT,
        env: childEnv(database().env),
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const ended = finished(child);
      let killedAt = 0;
      for (let attempt = 0; attempt < 3000 && killedAt < 100; attempt++) {
        killedAt = await archived();
        if (killedAt < 100) await new Promise((resolve) => setTimeout(resolve, 10));
      }
      child.kill('SIGKILL');
      assert.equal((await ended).signal, 'SIGKILL', 'killed, not finished');

      const afterKill = await archived();
      assert.ok(afterKill >= 100 && afterKill < dead.length, `killed in the middle (${afterKill} of ${dead.length} moved)`);
      const check = await openDataSource(database());
      try {
        const [liveIds, archivedIds] = [await idsOf(check, 'cross_app_sessions'), await idsOf(check, 'cross_app_sessions_archive')];
        assert.equal(liveIds.length + archivedIds.length, dead.length + live.length, 'no session lost, none duplicated');
        assert.deepEqual(
          archivedIds.filter((id) => liveIds.includes(id)),
          [],
          'no session in both tables',
        );
      } finally {
        await check.destroy();
      }

      const rerun = await handoff(['cleanup', '--json'], database().env);
      assert.equal(rerun.code, 0, rerun.stderr);
      assert.equal((JSON.parse(rerun.stdout) as CleanupResultDto).archived, dead.length - afterKill);
      const done = await openDataSource(database());
      try {
        assert.deepEqual(await idsOf(done, 'cross_app_sessions'), live);
        assert.deepEqual(await idsOf(done, 'cross_app_sessions_archive'), dead);
      } finally {
        await done.destroy();
      }
    });
  },
  ['postgres', 'mariadb'],
);
