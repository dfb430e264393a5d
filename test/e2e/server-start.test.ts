import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { loadConfig } from '../../src/config/config.js';
import { createDataSource } from '../../src/database/data-source.js';
import { migrations } from '../../src/database/migrations/index.js';
import { spawn } from 'node:child_process';
import { childEnv, finished, type Finished, ROOT, run, startServerProcess } from '../support/processes.js';
import { describeEachDatabase } from '../support/test-databases.js';

/** A start that cannot go on ends with exit code 1 and exactly one line on stderr. */
function assertOneLineFailure(result: Finished, pattern: RegExp): void {
  assert.equal(result.code, 1, `exit code (stderr: ${result.stderr})`);
  const lines = result.stderr.split('\n').filter(Boolean);
  assert.equal(lines.length, 1, `one line, got:\n${result.stderr}`);
  assert.match(lines[0] ?? '', pattern);
}

function startToExit(env: Record<string, string>): Promise<Finished> {
  return run(process.execPath, ['dist/src/main.js'], { LOG_LEVEL: 'warn', ...env });
}

describe('server start on the embedded database', () => {
  let dataDir: string;

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'handoff-start-'));
  });
  after(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  test('a fresh data folder: migrates, seeds, serves health, stops cleanly on SIGINT', async () => {
    let firstStart: Finished = { code: null, signal: null, stdout: '', stderr: '' };
    const server = await startServerProcess({ HANDOFF_DATA_DIR: dataDir });
    try {
      assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/);
      const live = await fetch(`${server.url}/health/live`);
      assert.equal(live.status, 200);
      assert.deepEqual(await live.json(), { status: 'ok' });
      const ready = await fetch(`${server.url}/health/ready`);
      assert.equal(ready.status, 200);
      assert.deepEqual(await ready.json(), { status: 'ok', checks: { database: 'up' } });
    } finally {
      const stopped = await server.stop();
      firstStart = stopped;
      assert.equal(stopped.code, 0, stopped.stderr);
      assert.match(stopped.stdout, /"msg":"stopped"/);
      assert.match(stopped.stdout, new RegExp(`"msg":"applied ${migrations.length} migration\\(s\\)"`));
      assert.match(stopped.stdout, /seeded the demo user/);
    }
    assert.ok(existsSync(join(dataDir, 'pglite', 'PG_VERSION')), 'PGlite keeps its files under the data folder');
    assert.equal(statSync(dataDir).mode & 0o777, 0o700, 'the data folder is the owner\'s alone');
    assert.equal(statSync(join(dataDir, 'secrets.json')).mode & 0o777, 0o600);
    const secrets = JSON.parse(readFileSync(join(dataDir, 'secrets.json'), 'utf8')) as Record<string, string>;
    assert.ok(firstStart.stderr.includes(secrets.adminToken!), 'the generated admin token is shown once, on stderr');
    assert.match(firstStart.stderr, /generated the secret that encrypts the signing keys/);
    assert.ok(!firstStart.stdout.includes(secrets.adminToken!), 'never in the JSON log');
    assert.ok(!existsSync(join(dataDir, 'pglite.lock')), 'the lock is released');
  });

  test('a restart keeps the data and does not seed twice', async () => {
    const server = await startServerProcess({ HANDOFF_DATA_DIR: dataDir });
    try {
      assert.equal((await fetch(`${server.url}/health/ready`)).status, 200);
    } finally {
      const stopped = await server.stop();
      assert.equal(stopped.code, 0, stopped.stderr);
      assert.doesNotMatch(stopped.stdout, /applied \d+ migration/);
      assert.doesNotMatch(stopped.stdout, /seeded the demo user/);
    }
    const dataSource = await createDataSource(loadConfig({ HANDOFF_DATA_DIR: dataDir }).database);
    await dataSource.initialize();
    try {
      const [users] = await dataSource.query('SELECT COUNT(*)::int AS n FROM users');
      const [sessions] = await dataSource.query('SELECT COUNT(*)::int AS n FROM cross_app_sessions');
      assert.deepEqual([users.n, sessions.n], [1, 2]);
    } finally {
      await dataSource.destroy();
    }
  });

  test('a second process on the same embedded database is refused with one line', async () => {
    const server = await startServerProcess({ HANDOFF_DATA_DIR: dataDir });
    try {
      const second = await startToExit({ HANDOFF_DATA_DIR: dataDir, PORT: '0' });
      assertOneLineFailure(second, /^handoff: HANDOFF_DATA_DIR: the embedded database at .* is in use by another Handoff process/);
      assert.equal((await fetch(`${server.url}/health/ready`)).status, 200, 'the first one is unharmed');
    } finally {
      assert.equal((await server.stop()).code, 0);
    }
  });

  test('Ctrl-C during the first start still closes the database cleanly', async () => {
    const fresh = await mkdtemp(join(tmpdir(), 'handoff-interrupted-'));
    try {
      const child = spawn(process.execPath, ['dist/src/main.js'], {
        cwd: ROOT,
        env: childEnv({ HANDOFF_DATA_DIR: fresh, PORT: '0', LOG_LEVEL: 'debug' }),
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const result = finished(child);
      // As soon as it starts opening the database: during PGlite's first initialisation.
      child.stdout?.on('data', (chunk: Buffer) => {
        if (chunk.toString().includes('"msg":"opening embedded PGlite')) child.kill('SIGINT');
      });
      const ended = await result;
      assert.equal(ended.code, 0, ended.stderr);
      assert.match(ended.stdout, /"msg":"stopped"/);
      assert.ok(!existsSync(join(fresh, 'pglite.lock')), 'the lock is released');

      const again = await startServerProcess({ HANDOFF_DATA_DIR: fresh });
      try {
        assert.equal((await fetch(`${again.url}/health/ready`)).status, 200, 'the data folder is usable');
      } finally {
        assert.equal((await again.stop()).code, 0);
      }
    } finally {
      await rm(fresh, { recursive: true, force: true });
    }
  });

  test('a port already taken stops the start with one line', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const result = await startToExit({ HANDOFF_DATA_DIR: dataDir, PORT: String(port) });
      assertOneLineFailure(result, new RegExp(`^handoff: PORT: ${port} is already in use on 127\\.0\\.0\\.1$`));
    } finally {
      blocker.close();
    }
    assert.ok(!existsSync(join(dataDir, 'pglite.lock')), 'the embedded database was closed again');
  });
});

describe('configuration and database errors stop the start with one line', () => {
  test('an unsupported DATABASE_URL scheme', async () => {
    assertOneLineFailure(
      await startToExit({ DATABASE_URL: 'sqlite:///tmp/handoff.db' }),
      /^handoff: DATABASE_URL: unsupported scheme "sqlite" \(expected postgres, mysql or mariadb\)$/,
    );
  });

  test('several bad variables: one line each', async () => {
    const result = await startToExit({ PORT: 'x', LOG_LEVEL: 'loud' });
    assert.equal(result.code, 1);
    const lines = result.stderr.split('\n').filter(Boolean).sort();
    assert.equal(lines.length, 2, result.stderr);
    assert.match(lines[0] ?? '', /^handoff: LOG_LEVEL: must be one of /);
    assert.match(lines[1] ?? '', /^handoff: PORT: must be a number$/);
  });

  for (const [kind, url] of [
    ['PostgreSQL', 'postgres://handoff:pa55word@127.0.0.1:1/handoff'],
    ['MariaDB', 'mariadb://handoff:pa55word@127.0.0.1:1/handoff'],
  ] as const) {
    test(`an unreachable ${kind} server, without printing the password`, async () => {
      const result = await startToExit({ DATABASE_URL: url, HANDOFF_KEY_ENCRYPTION_SECRET: 'k'.repeat(32) });
      assertOneLineFailure(
        result,
        /^handoff: DATABASE_URL: cannot connect to (postgres|mariadb):\/\/handoff@127\.0\.0\.1:1\/handoff \(connection refused\)$/,
      );
      assert.ok(!result.stderr.includes('pa55word'));
    });
  }
});

describeEachDatabase(
  'readiness follows the database',
  (database) => {
    test('/health/ready answers 503 DATABASE_UNAVAILABLE once the database is gone', async () => {
      const server = await startServerProcess(database().env);
      try {
        assert.equal((await fetch(`${server.url}/health/ready`)).status, 200);
        await database().drop();
        const ready = await fetch(`${server.url}/health/ready`);
        assert.equal(ready.status, 503);
        const body = (await ready.json()) as Record<string, unknown>;
        assert.equal(body.code, 'DATABASE_UNAVAILABLE');
        assert.equal(body.statusCode, 503);
        assert.equal(body.path, '/health/ready');
        assert.equal((await fetch(`${server.url}/health/live`)).status, 200, 'still alive');
      } finally {
        await server.stop();
      }
    });
  },
  ['postgres'],
);
