import assert from 'node:assert/strict';
import { test } from 'node:test';
import { insertSessions, sessionMix } from '../support/session-fixtures.js';
import { describeEachDatabase } from '../support/test-databases.js';
import { eventually, TestServer } from '../support/test-server.js';

/** Every job each second: periods go by fast enough to watch several. */
const EVERY_SECOND = {
  HANDOFF_SCHEDULER: 'true',
  HANDOFF_CLEANUP_INTERVAL: '1',
  HANDOFF_PARTITIONS_INTERVAL: '1',
  HANDOFF_PRUNE_INTERVAL: '1',
};

interface JobLine {
  msg: string;
  job?: string;
  period?: string;
  instance?: string;
  archived?: number;
}

function jobLines(server: TestServer, suffix: string): JobLine[] {
  return server.logs.map((line) => JSON.parse(line) as JobLine).filter((line) => line.job && line.msg.endsWith(suffix));
}

describeEachDatabase(
  'scheduled jobs on several instances',
  (database) => {
    test('two instances: each job runs once per period, on one of them, and its run logs what it moved', async () => {
      const first = await TestServer.start(database(), EVERY_SECOND);
      const second = await TestServer.start(database(), EVERY_SECOND);
      try {
        const { userId } = await first.userWithToken('jobs@example.com');
        const { dead } = await insertSessions(first.dataSource, userId, sessionMix(16));
        const ran = () => [...jobLines(first, ' ran'), ...jobLines(second, ' ran')];
        const periodsOf = (job: string) => ran().filter((line) => line.job === job).map((line) => line.period);
        const archived = () => ran().reduce((sum, line) => sum + (line.job === 'cleanup' ? (line.archived ?? 0) : 0), 0);
        await eventually(
          async () => archived() >= dead.length && ['cleanup', 'partitions', 'prune'].every((job) => periodsOf(job).length >= 3),
          'three periods of each job, and the dead sessions moved',
          400,
        );
        for (const job of ['cleanup', 'partitions', 'prune']) {
          assert.equal(new Set(periodsOf(job)).size, periodsOf(job).length, `${job}: no period ran twice`);
        }
        assert.equal(archived(), dead.length, 'the dead sessions were moved once');
        const skipped = [...jobLines(first, 'run by another instance'), ...jobLines(second, 'run by another instance')];
        assert.ok(skipped.length > 0, 'the other instance tried and stood back');
        const runs: Array<{ job: string; outcome: string }> = await first.dataSource.query('SELECT job, outcome FROM scheduled_job_runs ORDER BY job');
        assert.deepEqual(runs.map((run) => run.job), ['cleanup', 'partitions', 'prune']);
      } finally {
        await Promise.all([first.close(), second.close()]);
      }
    });
  },
  ['postgres', 'mariadb'],
);

describeEachDatabase(
  'scheduled jobs on the embedded database',
  (database) => {
    test('the jobs run in the server on PGlite too', async () => {
      const server = await TestServer.start(database(), EVERY_SECOND);
      try {
        await eventually(async () => new Set(jobLines(server, ' ran').map((line) => line.job)).size === 3, 'each job ran', 400);
      } finally {
        await server.close();
      }
    });
  },
  ['pglite'],
);
