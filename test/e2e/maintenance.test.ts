import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { before, test } from 'node:test';
import type { DataSource } from 'typeorm';
import { dialectOf, placeholder } from '../../src/database/dialect.js';
import { monthOf, partitionName } from '../../src/maintenance/archive-partitions.js';
import type { CleanupResultDto, PartitionsResultDto, PruneResultDto } from '../../src/maintenance/maintenance.schemas.js';
import type { MonitorDto, StatsDto } from '../../src/statistics/statistics.schemas.js';
import { openDataSource } from '../support/handoff.js';
import { handoff } from '../support/processes.js';
import { idsOf, insertSessions, insertUser, oldSessions, sessionMix } from '../support/session-fixtures.js';
import { describeEachDatabase, type TestDatabase } from '../support/test-databases.js';
import { ADMIN_TOKEN, TestServer } from '../support/test-server.js';

const SESSION_COLUMNS = 'id, token_hash, user_id, account_id, expires_at, created_at, used_at, revoked_at, source_app, target_app, user_agent, ip_address';
const MINUTE = 60_000;

/** QR login requests: `expired` of them expired two hours ago (any status), `live` still pending. */
async function insertAuthSessions(dataSource: DataSource, expired: number, live: number): Promise<void> {
  const p = (index: number) => placeholder(dialectOf(dataSource), index);
  const statuses = ['pending', 'approved', 'denied', 'expired'];
  for (let index = 0; index < expired + live; index++) {
    const expiresAt = new Date(Date.now() + (index < expired ? -120 : 10) * MINUTE);
    await dataSource.query(
      `INSERT INTO auth_sessions (id, device_code_hash, user_code, status, expires_at) VALUES (${p(1)}, ${p(2)}, ${p(3)}, ${p(4)}, ${p(5)})`,
      [randomUUID(), randomUUID().replace(/-/g, '').padEnd(64, '0'), `TEST-${String(index).padStart(4, '0')}`, statuses[index % 4], expiresAt],
    );
  }
}

/** The CLI against the test database, and the test's own DataSource on it. */
function operationsOn(database: () => TestDatabase) {
  const cli = (args: string[], env: Readonly<Record<string, string>> = {}) => handoff(args, { ...database().env, ...env });
  const json = async <T>(args: string[]): Promise<T> => {
    const result = await cli([...args, '--json']);
    assert.equal(result.code, 0, result.stderr);
    return JSON.parse(result.stdout) as T;
  };
  /** PGlite is single-process: the test's own DataSource is only open while no command runs. */
  const withDataSource = async <T>(work: (dataSource: DataSource) => Promise<T>, migrate = false): Promise<T> => {
    const dataSource = await openDataSource(database(), { migrate });
    try {
      return await work(dataSource);
    } finally {
      await dataSource.destroy();
    }
  };
  return { cli, json, withDataSource };
}

describeEachDatabase('operations: cleanup, archive, partitions, statistics, monitoring', (database, kind) => {
  const { cli, json, withDataSource } = operationsOn(database);
  const deadRows = (dataSource: DataSource, table: string, ids: number[]) =>
    dataSource.query(`SELECT ${SESSION_COLUMNS} FROM ${table} WHERE id IN (${ids.join(', ')}) ORDER BY id`);

  let dead: number[];
  let live: number[];
  let rowsBefore: unknown[];
  let stats: StatsDto;

  before(async () => {
    await withDataSource(async (dataSource) => {
      const userId = await insertUser(dataSource, 'ops@example.com');
      ({ dead, live } = await insertSessions(dataSource, userId, [...sessionMix(2000), ...oldSessions(40, 150)]));
      await insertAuthSessions(dataSource, 6, 3);
      rowsBefore = await deadRows(dataSource, 'cross_app_sessions', dead);
    }, true);
  });

  test('handoff cleanup moves every dead session into the archive, unchanged, and no live one; the statistics stay the same', async () => {
    stats = await json<StatsDto>(['stats', '--days', '10']);
    assert.equal(stats.days.length, 10);
    assert.equal(stats.days.reduce((sum, day) => sum + day.created, 0), 2000);

    const result = await json<CleanupResultDto>(['cleanup', '--batch-size', '150']);
    assert.equal(result.archived, dead.length);
    assert.equal(result.authSessionsDeleted, 6);
    assert.ok(result.batches > dead.length / 150, 'in batches');
    assert.equal(result.interrupted, false);

    await withDataSource(async (dataSource) => {
      assert.deepEqual(await idsOf(dataSource, 'cross_app_sessions'), live);
      assert.deepEqual(await idsOf(dataSource, 'cross_app_sessions_archive'), dead);
      assert.deepEqual(await deadRows(dataSource, 'cross_app_sessions_archive', dead), rowsBefore, 'archived as they were');
      const [authSessions] = await dataSource.query('SELECT COUNT(*) AS n FROM auth_sessions');
      assert.equal(Number(authSessions.n), 3);
    });
    const text = await cli(['stats', '--days', '10']);
    assert.equal(text.code, 0, text.stderr);
    assert.equal(
      text.stdout,
      stats.days.map((day) => `${day.date}\t${day.created}\t${day.used}\t${day.revoked}\t${day.expired}\n`).join(''),
      'the same figures after the cleanup',
    );
  });

  test('partitions ensure creates this month and the next (PostgreSQL); archive prune drops what is older than the retention', async () => {
    const now = new Date();
    const ensured = await json<PartitionsResultDto>(['partitions', 'ensure']);
    if (kind === 'mariadb') {
      assert.deepEqual(ensured, { partitioned: false, created: [], partitions: [] });
    } else {
      const names = ensured.partitions.map((partition) => partition.name);
      assert.ok(names.includes(partitionName(monthOf(now))), names.join());
      assert.ok(names.includes(partitionName(monthOf(monthOf(now).to))), names.join());
      assert.ok(names.includes(partitionName(monthOf(new Date(now.getTime() - 150 * 1440 * MINUTE)))), 'the old sessions have theirs');
      assert.deepEqual(ensured.created, [], 'cleanup created the partitions it needed');
    }
    for (const typo of ['90', '12h', '0d']) {
      const refused = await cli(['archive', 'prune', '--older-than', typo]);
      assert.notEqual(refused.code, 0, `--older-than ${typo} must not prune`);
      assert.match(refused.stderr, /whole days or weeks, at least 1d/);
    }
    const pruned = await json<PruneResultDto>(['archive', 'prune', '--older-than', '90d']);
    assert.equal(pruned.olderThanDays, 90);
    if (kind === 'mariadb') assert.equal(pruned.rowsDeleted, 40);
    else assert.ok(pruned.partitionsDropped.includes(partitionName(monthOf(new Date(now.getTime() - 150 * 1440 * MINUTE)))));
    await withDataSource(async (dataSource) => {
      assert.deepEqual(await idsOf(dataSource, 'cross_app_sessions_archive'), dead.slice(0, -40), 'the 150-day-old sessions are gone, no others');
    });
  });

  test('handoff monitor prints table and index statistics', async () => {
    const text = await cli(['monitor']);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /^cross_app_sessions\t(\d+|-)\t/m);
    assert.match(text.stdout, /^cross_app_sessions\tidx_cross_app_sessions_expires_at\t/m);
  });

  test('GET /api/admin/stats and /api/admin/monitor answer what the CLI prints, for operators only', async () => {
    const server = await TestServer.start(database(), { HANDOFF_SEED_DEMO: 'false' });
    try {
      const answer = await server.request<StatsDto>('GET', '/api/admin/stats?days=10', { token: ADMIN_TOKEN });
      assert.equal(answer.status, 200, answer.text);
      assert.deepEqual(answer.body, stats, 'what handoff stats printed, before the archive was pruned too');
      assert.equal((await server.request<StatsDto>('GET', '/api/admin/stats', { token: ADMIN_TOKEN })).body.days.length, 7, 'a week by default');
      const monitor = await server.request<MonitorDto>('GET', '/api/admin/monitor', { token: ADMIN_TOKEN });
      assert.equal(monitor.status, 200, monitor.text);
      const tables = new Map(monitor.body.tables.map((table) => [table.table, table]));
      for (const name of ['cross_app_sessions', 'cross_app_sessions_archive', 'auth_sessions', 'users']) assert.ok(tables.has(name), name);
      assert.ok(monitor.body.indexes.some((index) => index.table === 'cross_app_sessions' && index.index === 'idx_cross_app_sessions_expires_at'));
      const sessions = tables.get('cross_app_sessions')!;
      if (kind === 'mariadb') {
        assert.equal(monitor.body.database, 'mysql');
        assert.equal(sessions.dead_tuples, null, 'InnoDB has no dead tuples to report');
        assert.equal(typeof sessions.live_tuples, 'number');
      } else {
        assert.equal(monitor.body.database, 'postgres');
        for (const field of ['inserts', 'updates', 'deletes', 'live_tuples', 'dead_tuples'] as const) assert.equal(typeof sessions[field], 'number', field);
      }
      const bad = await server.request('GET', '/api/admin/stats?days=0', { token: ADMIN_TOKEN });
      assert.equal(bad.status, 400);
      assert.equal(bad.body.code, 'VALIDATION_ERROR');
      const anonymous = await server.request('GET', '/api/admin/monitor');
      assert.equal(anonymous.status, 401);
      assert.equal(anonymous.body.code, 'ADMIN_UNAUTHORIZED');
    } finally {
      await server.close();
    }
  });
});

describeEachDatabase(
  'archive prune never queues the archive behind its DROP',
  (database) => {
    const { cli, json, withDataSource } = operationsOn(database);

    test('a partition whose lock does not come within HANDOFF_PRUNE_LOCK_TIMEOUT is left, and dropped by the next prune', async () => {
      await withDataSource(async (dataSource) => {
        const userId = await insertUser(dataSource, 'prune@example.com');
        await insertSessions(dataSource, userId, oldSessions(5, 150));
      }, true);
      assert.equal((await json<CleanupResultDto>(['cleanup'])).archived, 5);
      const oldPartition = partitionName(monthOf(new Date(Date.now() - 150 * 1440 * MINUTE)));

      let busy: PruneResultDto | undefined;
      await withDataSource(async (dataSource) => {
        // A long reader of the archive (a backup, a report) holds its lock until it commits.
        const reader = dataSource.createQueryRunner();
        await reader.connect();
        await reader.startTransaction();
        try {
          await reader.query('SELECT COUNT(*) FROM cross_app_sessions_archive');
          const refused = await cli(['archive', 'prune', '--older-than', '90d', '--json'], { HANDOFF_PRUNE_LOCK_TIMEOUT: '1' });
          assert.equal(refused.code, 1, refused.stderr);
          assert.match(refused.stderr, new RegExp(`left [^:]*${oldPartition}[^:]*: the archive was locked`));
          busy = JSON.parse(refused.stdout) as PruneResultDto;
          assert.ok(busy.partitionsBusy.includes(oldPartition), busy.partitionsBusy.join());
          assert.deepEqual(busy.partitionsDropped, []);
          const [row] = (await dataSource.query('SELECT COUNT(*) AS n FROM cross_app_sessions_archive')) as Array<{ n: string }>;
          assert.equal(Number(row!.n), 5, 'nothing dropped');
        } finally {
          await reader.rollbackTransaction();
          await reader.release();
        }
      });

      const pruned = await json<PruneResultDto>(['archive', 'prune', '--older-than', '90d']);
      assert.deepEqual(pruned.partitionsDropped, busy!.partitionsBusy, 'the next prune drops them');
      assert.deepEqual(pruned.partitionsBusy, []);
    });
  },
  // A second connection holding a lock: PostgreSQL (PGlite has one connection, MariaDB no partitions).
  ['postgres'],
);
