import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import type { BackupSummaryDto, RestoreSummaryDto } from '../../src/backup/backup.schemas.js';
import { openDataSource } from '../support/handoff.js';
import { handoff } from '../support/processes.js';
import { oldSessions, insertSessions } from '../support/session-fixtures.js';
import { createTestDatabase, describeEachDatabase, selectedKinds, type TestDatabase, type TestDatabaseKind } from '../support/test-databases.js';
import { TestServer } from '../support/test-server.js';

const files: string[] = [];
const file = (name: string) => {
  const path = join(tmpdir(), `handoff-backup-${randomUUID()}-${name}.jsonl.gz`);
  files.push(path);
  return path;
};

async function cli<T>(database: TestDatabase, args: string[]): Promise<T> {
  const result = await handoff([...args, '--json'], database.env);
  assert.equal(result.code, 0, result.stderr);
  return JSON.parse(result.stdout) as T;
}

/** Backs `database` up into a new file; returns the file and the summary (rows and checksum per table). */
async function backup(database: TestDatabase): Promise<{ path: string; summary: BackupSummaryDto }> {
  const path = file(database.kind);
  return { path, summary: await cli<BackupSummaryDto>(database, ['backup', '--out', path]) };
}

const figures = (summary: { tables: Array<{ table: string; rows: number; checksum: string }> }) =>
  summary.tables.map(({ table, rows, checksum }) => ({ table, rows, checksum }));

/** Every table of a real deployment, through the real API, plus archived sessions and QR requests. */
async function populate(database: TestDatabase): Promise<void> {
  const server = await TestServer.start(database, { HANDOFF_SEED_DEMO: 'false' });
  try {
    const secret = await server.app('backup-app', ['https://backup.example.test']);
    await server.admin('POST', '/users', { email: 'zoe@example.com', name: 'Zoë Ünïcödé ✓' });
    const { userId, token } = await server.userWithToken('zoe@example.com');
    await server.admin('POST', '/accounts', { name: 'Backup Org ✓', slug: 'backup-org' });
    await server.admin('PUT', '/accounts/backup-org/members', { email: 'zoe@example.com', role: 'owner' });
    await server.admin('PUT', '/accounts/backup-org/resources/Event-A');
    await server.admin('PUT', '/accounts/backup-org/resources/event-a');
    await server.admin('POST', '/apps/backup-app/rotate-secret');
    await server.admin('POST', '/keys/rotate');
    const { userId: goneId } = await server.userWithToken('gone@example.com');
    await server.admin('DELETE', `/users/${goneId}`);
    for (let index = 0; index < 3; index++) {
      const generated = await server.request('POST', '/api/cross-app/generate-session', {
        token,
        json: { target_app: 'backup-app' },
        headers: { 'user-agent': `Browser "${index}"\n` },
      });
      if (index === 0) {
        await server.request('POST', '/api/cross-app/validate-session', { json: { session_token: generated.body.session_token }, headers: { 'x-shared-secret': secret } });
      }
    }
    await insertSessions(server.dataSource, userId, oldSessions(1200, 40));
    await server.dataSource.query(
      `INSERT INTO auth_sessions (id, device_code_hash, user_code, status, user_id, ip_address, expires_at)
       VALUES ($1, $2, 'BKUP-0001', 'approved', $3, '2001:db8::1', CURRENT_TIMESTAMP + INTERVAL '1 hour')`,
      [randomUUID(), 'd'.repeat(64), userId],
    );
  } finally {
    await server.close();
  }
  const cleanup = await handoff(['cleanup'], database.env);
  assert.equal(cleanup.code, 0, cleanup.stderr);
}

describeEachDatabase(
  'backup and restore across databases',
  (source) => {
    let original: { path: string; summary: BackupSummaryDto };
    const targets: TestDatabase[] = [];
    const target = async (kind: TestDatabaseKind): Promise<TestDatabase> => {
      const database = await createTestDatabase(kind);
      targets.push(database);
      await (await openDataSource(database, { migrate: true })).destroy();
      return database;
    };

    before(async () => {
      await populate(source());
      original = await backup(source());
    });
    after(async () => {
      await Promise.all([...targets.map((database) => database.drop()), ...files.map((path) => rm(path, { force: true }))]);
    });

    test('the PostgreSQL backup holds every table, archived sessions included', () => {
      const rows = Object.fromEntries(original.summary.tables.map((table) => [table.table, table.rows]));
      assert.equal(original.summary.database, 'postgres');
      for (const table of ['users', 'accounts', 'account_members', 'target_apps', 'signing_keys', 'auth_user_tokens', 'auth_sessions']) {
        assert.ok(rows[table]! >= 1, table);
      }
      assert.equal(rows.account_resources, 2);
      assert.equal(rows.target_app_secrets, 2);
      assert.equal(rows.external_identity_tombstones, 0);
      assert.equal(rows.cross_app_sessions, 3);
      assert.equal(rows.cross_app_sessions_archive, 1200);
    });

    for (const kind of selectedKinds(['mariadb', 'pglite'])) {
      test(`restored into ${kind}: the same rows and checksums; restoring twice changes nothing; new ids follow the restored ones`, async () => {
        const database = await target(kind);
        const restored = await cli<RestoreSummaryDto>(database, ['restore', '--in', original.path]);
        assert.deepEqual(figures(restored), figures(original.summary));
        assert.ok(restored.tables.every((table) => table.inserted === table.rows));
        const copy = await backup(database);
        assert.deepEqual(figures(copy.summary), figures(original.summary));

        const again = await cli<RestoreSummaryDto>(database, ['restore', '--in', original.path]);
        assert.ok(again.tables.every((table) => table.inserted === 0 && table.skipped === table.rows), 'nothing inserted twice');

        const added = await handoff(['users', 'add', '--email', 'after-restore@example.com'], database.env);
        assert.equal(added.code, 0, added.stderr);
        if (kind === 'mariadb') {
          // Back from MariaDB into a fresh PostgreSQL: the other direction.
          const back = await target('postgres');
          assert.deepEqual(figures(await cli<RestoreSummaryDto>(back, ['restore', '--in', copy.path])), figures(original.summary));
          const [next] = await back.admin("SELECT nextval(pg_get_serial_sequence('cross_app_sessions', 'id')) AS id");
          const [highest] = await back.admin('SELECT MAX(id) AS id FROM cross_app_sessions_archive');
          assert.ok(Number(next!.id) > Number(highest!.id), 'new sessions take ids after the archived ones');
        }
      });
    }

    test('a database with users of its own under the same ids is refused, not merged into', async () => {
      const database = await target('pglite');
      const own = await handoff(['users', 'add', '--email', 'someone-else@example.com'], database.env);
      assert.equal(own.code, 0, own.stderr);
      const result = await handoff(['restore', '--in', original.path], database.env);
      assert.equal(result.code, 1, result.stderr);
      assert.match(result.stderr, /users: the row with key \[1\] is another one than the backup's.*\(RESTORE_CONFLICT\)/);
      const users = JSON.parse((await handoff(['users', 'list', '--json'], database.env)).stdout) as Array<{ email: string }>;
      assert.deepEqual(users.map((user) => user.email), ['someone-else@example.com'], 'nothing restored');
    });

    test('signing keys this deployment cannot open, or another key under the same id, are refused before anything is written', async () => {
      const otherSecret = await target('pglite');
      const unreadable = await handoff(['restore', '--in', original.path], { ...otherSecret.env, HANDOFF_KEY_ENCRYPTION_SECRET: 'x'.repeat(40) });
      assert.equal(unreadable.code, 1, unreadable.stderr);
      assert.match(unreadable.stderr, /signing_keys: key \S+ does not open with this HANDOFF_KEY_ENCRYPTION_SECRET.*\(RESTORE_KEY_UNREADABLE\)/);
      assert.doesNotMatch(unreadable.stderr, /x{40}/, 'never the secret');

      // A server started on the new database made a signing key of its own, under id 1.
      const ownKey = await target('postgres');
      await (await TestServer.start(ownKey, { HANDOFF_SEED_DEMO: 'false' })).close();
      const conflict = await handoff(['restore', '--in', original.path], ownKey.env);
      assert.equal(conflict.code, 1, conflict.stderr);
      assert.match(conflict.stderr, /signing_keys: the row with key \[1\] is another one than the backup's.*\(RESTORE_CONFLICT\)/);

      for (const database of [otherSecret, ownKey]) {
        const users = JSON.parse((await handoff(['users', 'list', '--json'], database.env)).stdout) as unknown[];
        assert.deepEqual(users, [], `nothing restored (${database.kind})`);
      }
    });

    test('a file that is not a backup is refused with one line', async () => {
      const path = file('bad');
      await writeFile(path, gzipSync('{"hello":"world"}\n'));
      const result = await handoff(['restore', '--in', path], source().env);
      assert.equal(result.code, 1);
      assert.match(result.stderr, /^handoff: Backup: not a Handoff backup .*\(BACKUP_INVALID\)\n$/);
    });
  },
  ['postgres'],
);
