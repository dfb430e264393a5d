import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import type { HandoffDataSource } from '../../src/database/data-source.js';
import { dialectOf } from '../../src/database/dialect.js';
import { migrationStatus, revertMigrations, runPendingMigrations } from '../../src/database/migration-runner.js';
import { migrations } from '../../src/database/migrations/index.js';
import { openDataSource } from '../support/handoff.js';
import { type SchemaSnapshot, schemaSnapshot, tableNames } from '../support/schema-snapshot.js';
import { describeEachDatabase } from '../support/test-databases.js';

/** The design documents' five indexes, less the duplicate on token_hash that 1795600200000 drops. */
const CROSS_APP_INDEXES = [
  'cross_app_sessions_token_hash_key',
  'idx_cross_app_sessions_cleanup',
  'idx_cross_app_sessions_created_at',
  'idx_cross_app_sessions_expires_at',
  'idx_cross_app_sessions_user_id',
];
const DUPLICATE_TOKEN_HASH_INDEX = 'idx_cross_app_sessions_token_hash';

describeEachDatabase('migrations', (database, kind) => {
  let dataSource: HandoffDataSource;
  let firstRun: SchemaSnapshot;
  const sql = (postgres: string, mysql: string): string =>
    dialectOf(dataSource) === 'postgres' ? postgres : mysql;

  before(async () => {
    dataSource = await openDataSource(database());
  });
  after(async () => {
    await dataSource?.destroy();
  });

  test('apply every migration in order and report them applied', async () => {
    const applied = await runPendingMigrations(dataSource);
    assert.deepEqual(
      applied,
      migrations.map((migration) => migration.name),
    );
    const status = await migrationStatus(dataSource);
    assert.ok(status.every((state) => state.applied));
    assert.deepEqual(await runPendingMigrations(dataSource), [], 'a second run applies nothing');
    firstRun = await schemaSnapshot(dataSource);
  });

  // PostgreSQL and PGlite: the query and its expected output are PostgreSQL's.
  if (kind !== 'mariadb') test('the design documents\' verification query prints exactly the expected rows', async () => {
    const rows = await dataSource.query(`
      SELECT column_name, data_type, is_nullable, column_default
      FROM information_schema.columns
      WHERE table_name = 'auth_sessions' AND column_name IN ('exchange_token', 'is_exchanged')
      ORDER BY column_name`);
    assert.deepEqual(rows, [
      { column_name: 'exchange_token', data_type: 'character varying', is_nullable: 'YES', column_default: null },
      { column_name: 'is_exchanged', data_type: 'boolean', is_nullable: 'NO', column_default: 'false' },
    ]);
  });

  test('cross_app_sessions has the design documents\' columns', async () => {
    const columns: Array<{ name: string; type: string; nullable: string; default_value: string | null }> =
      await dataSource.query(
        sql(
          `SELECT column_name AS name,
                  CASE WHEN character_maximum_length IS NULL THEN data_type
                       ELSE data_type || '(' || character_maximum_length || ')' END AS type,
                  is_nullable AS nullable, column_default AS default_value
           FROM information_schema.columns WHERE table_name = 'cross_app_sessions' ORDER BY ordinal_position`,
          `SELECT COLUMN_NAME AS name, COLUMN_TYPE AS type, IS_NULLABLE AS nullable, COLUMN_DEFAULT AS default_value
           FROM information_schema.COLUMNS
           WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'cross_app_sessions' ORDER BY ORDINAL_POSITION`,
        ),
      );
    const timestamp = sql('timestamp without time zone', 'datetime(6)');
    const expected = [
      ['id', sql('integer', 'int(11)'), 'NO'],
      ['token_hash', sql('character varying(255)', 'varchar(255)'), 'NO'],
      ['user_id', sql('integer', 'int(11)'), 'NO'],
      ['account_id', sql('integer', 'int(11)'), 'YES'],
      ['expires_at', timestamp, 'NO'],
      ['created_at', timestamp, 'YES'],
      ['used_at', timestamp, 'YES'],
      ['revoked_at', timestamp, 'YES'],
      ['source_app', sql('character varying(50)', 'varchar(50)'), 'YES'],
      ['target_app', sql('character varying(50)', 'varchar(50)'), 'YES'],
      ['user_agent', 'text', 'YES'],
      ['ip_address', sql('inet', 'varchar(45)'), 'YES'],
    ];
    assert.deepEqual(
      columns.map((column) => [column.name, column.type, column.nullable]),
      expected,
    );
    const defaults = Object.fromEntries(columns.map((column) => [column.name, column.default_value]));
    assert.match(String(defaults.id), new RegExp(sql('^nextval', '^(NULL|null)$')));
    // The design documents' CURRENT_TIMESTAMP; PostgreSQL's now() (the same function) since 1795600300000.
    assert.match(String(defaults.created_at), /current_timestamp|now\(\)/i);
    assert.match(String(defaults.source_app), /'tuvens'/);
    assert.match(String(defaults.target_app), /'hi-events'/);
  });

  const crossAppIndexes = async (): Promise<Map<string, string>> => {
    const indexes: Array<{ name: string; definition: string }> = await dataSource.query(
      sql(
        "SELECT indexname AS name, indexdef AS definition FROM pg_indexes WHERE tablename = 'cross_app_sessions'",
        `SELECT INDEX_NAME AS name, GROUP_CONCAT(COLUMN_NAME ORDER BY SEQ_IN_INDEX) AS definition
         FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'cross_app_sessions'
         GROUP BY INDEX_NAME`,
      ),
    );
    return new Map(indexes.map((index) => [index.name, index.definition]));
  };

  test('cross_app_sessions has its indexes (not the duplicate on token_hash) and both cascading foreign keys', async () => {
    const byName = await crossAppIndexes();
    for (const name of CROSS_APP_INDEXES) assert.ok(byName.has(name), `index ${name} exists`);
    assert.ok(!byName.has(DUPLICATE_TOKEN_HASH_INDEX), 'the duplicate of the UNIQUE index on token_hash is dropped');
    const cleanup = byName.get('idx_cross_app_sessions_cleanup') ?? '';
    if (dialectOf(dataSource) === 'postgres') {
      assert.match(cleanup, /\(expires_at, revoked_at\) WHERE \(revoked_at IS NULL\)$/);
    } else {
      assert.equal(cleanup, 'expires_at,revoked_at');
    }

    const foreignKeys: Array<{ name: string; rule: string }> = await dataSource.query(
      sql(
        `SELECT conname AS name, confdeltype AS rule FROM pg_constraint
         WHERE conrelid = 'cross_app_sessions'::regclass AND contype = 'f' ORDER BY conname`,
        `SELECT CONSTRAINT_NAME AS name, DELETE_RULE AS rule FROM information_schema.REFERENTIAL_CONSTRAINTS
         WHERE CONSTRAINT_SCHEMA = DATABASE() AND TABLE_NAME = 'cross_app_sessions' ORDER BY CONSTRAINT_NAME`,
      ),
    );
    const cascade = sql('c', 'CASCADE');
    assert.deepEqual(foreignKeys, [
      { name: 'fk_cross_app_sessions_account_id', rule: cascade },
      { name: 'fk_cross_app_sessions_user_id', rule: cascade },
    ]);
  });

  // Issue 11: the design documents' migration creates it; a later one drops it, and puts it back on revert.
  test('reverting the drop of the duplicate token_hash index recreates it as the design documents define it', async () => {
    // It and the migrations after it, newest first.
    const all = migrations.map((migration) => migration.name);
    const fromDrop = all.slice(all.indexOf('DropDuplicateTokenHashIndex1795600200000'));
    assert.deepEqual(await revertMigrations(dataSource, fromDrop.length), [...fromDrop].reverse());
    const restored = (await crossAppIndexes()).get(DUPLICATE_TOKEN_HASH_INDEX);
    if (dialectOf(dataSource) === 'postgres') assert.match(restored ?? '', /USING btree \(token_hash\)$/);
    else assert.equal(restored, 'token_hash');
    assert.deepEqual(await runPendingMigrations(dataSource), fromDrop);
    assert.ok(!(await crossAppIndexes()).has(DUPLICATE_TOKEN_HASH_INDEX));
  });

  test('auth_user_tokens follows ticket MET-14854', async () => {
    const columns: Array<{ name: string; type: string; nullable: string; comment: string | null }> =
      await dataSource.query(
        sql(
          `SELECT column_name AS name, data_type AS type, is_nullable AS nullable,
                  col_description('auth_user_tokens'::regclass, ordinal_position) AS comment
           FROM information_schema.columns WHERE table_name = 'auth_user_tokens' ORDER BY ordinal_position`,
          `SELECT COLUMN_NAME AS name, COLUMN_TYPE AS type, IS_NULLABLE AS nullable, COLUMN_COMMENT AS comment
           FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'auth_user_tokens'
           ORDER BY ORDINAL_POSITION`,
        ),
      );
    // The ticket's six columns come first; later migrations add to them.
    assert.deepEqual(
      columns.slice(0, 6).map((column) => [column.name, column.type, column.nullable]),
      dialectOf(dataSource) === 'postgres'
        ? [
            ['id', 'integer', 'NO'],
            ['user_id', 'integer', 'NO'],
            ['disabled', 'boolean', 'YES'],
            ['access_token', 'character varying', 'NO'],
            ['created_at', 'timestamp without time zone', 'NO'],
            ['updated_at', 'timestamp without time zone', 'NO'],
          ]
        : [
            ['id', 'int(10) unsigned', 'NO'],
            ['user_id', 'int(10) unsigned', 'NO'],
            ['disabled', 'tinyint(1)', 'YES'],
            ['access_token', 'varchar(512)', 'NO'],
            ['created_at', 'datetime', 'NO'],
            ['updated_at', 'datetime', 'NO'],
          ],
    );
    const comments = Object.fromEntries(columns.map((column) => [column.name, column.comment]));
    assert.equal(comments.user_id, 'the user id(hybrid.auth_user.id)');
    assert.equal(comments.disabled, 'the token is available or not.');
    assert.equal(comments.access_token, 'the jwt access token belong to the user id');
  });

  test('auth_user_tokens.updated_at moves when a row changes, as ON UPDATE CURRENT_TIMESTAMP does', async () => {
    await dataSource.query(
      sql(
        `INSERT INTO auth_user_tokens (user_id, access_token, created_at, updated_at)
         VALUES (7, 'h', '2024-01-01 00:00:00', '2024-01-01 00:00:00')`,
        `INSERT INTO auth_user_tokens (user_id, access_token, created_at, updated_at)
         VALUES (7, 'h', '2024-01-01 00:00:00', '2024-01-01 00:00:00')`,
      ),
    );
    await dataSource.query('UPDATE auth_user_tokens SET disabled = true WHERE user_id = 7');
    const [row] = await dataSource.query('SELECT created_at, updated_at, disabled FROM auth_user_tokens WHERE user_id = 7');
    assert.equal(new Date(row.created_at).toISOString(), '2024-01-01T00:00:00.000Z');
    assert.ok(new Date(row.updated_at).getTime() > Date.parse('2025-01-01'), 'updated_at was refreshed');
    assert.equal(Boolean(row.disabled), true);
    await assert.rejects(
      dataSource.query("INSERT INTO auth_user_tokens (user_id, access_token) VALUES (-1, 'h')"),
      'a negative user id is refused (unsigned)',
    );
    await dataSource.query('DELETE FROM auth_user_tokens');
  });

  test('the exchange-token migration keeps existing auth_sessions rows', async () => {
    // Back to just before 1736467200000: it and every later migration reverted.
    const all = migrations.map((migration) => migration.name);
    const later = all.slice(all.indexOf('AddAuthSessionExchangeToken1736467200000'));
    assert.deepEqual(await revertMigrations(dataSource, later.length), later.reverse());
    const legacy = [
      { id: randomUUID(), status: 'approved', code: 'BCDF-GHJK' },
      { id: randomUUID(), status: 'pending', code: 'LMNP-QRST' },
    ];
    for (const [index, row] of legacy.entries()) {
      await dataSource.query(
        sql(
          `INSERT INTO auth_sessions (id, device_code_hash, user_code, status, expires_at)
           VALUES ($1, $2, $3, $4, CURRENT_TIMESTAMP + INTERVAL '10 minutes')`,
          `INSERT INTO auth_sessions (id, device_code_hash, user_code, status, expires_at)
           VALUES (?, ?, ?, ?, CURRENT_TIMESTAMP + INTERVAL 10 MINUTE)`,
        ),
        [row.id, String(index).repeat(64), row.code, row.status],
      );
    }

    await runPendingMigrations(dataSource);
    const rows: Array<{ id: string; status: string; exchange_token: string | null; is_exchanged: boolean | number }> =
      await dataSource.query('SELECT id, status, exchange_token, is_exchanged FROM auth_sessions ORDER BY user_code');
    assert.deepEqual(
      rows.map((row) => ({ ...row, is_exchanged: Boolean(row.is_exchanged) })),
      legacy.map((row) => ({ id: row.id, status: row.status, exchange_token: null, is_exchanged: false })),
    );

    const indexes: Array<{ name: string }> = await dataSource.query(
      sql(
        "SELECT indexname AS name FROM pg_indexes WHERE tablename = 'auth_sessions' ORDER BY 1",
        `SELECT DISTINCT INDEX_NAME AS name FROM information_schema.STATISTICS
         WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'auth_sessions' ORDER BY 1`,
      ),
    );
    const names = indexes.map((index) => index.name);
    assert.ok(names.includes('idx_auth_sessions_exchange_token'));
    assert.ok(names.includes('idx_auth_sessions_is_exchanged'));
    await dataSource.query('DELETE FROM auth_sessions');
  });

  test('deleting a user or an account deletes their cross-app sessions (ON DELETE CASCADE)', async () => {
    await dataSource.query("INSERT INTO users (email, name) VALUES ('cascade@example.com', 'Cascade')");
    await dataSource.query("INSERT INTO accounts (name, slug) VALUES ('Cascade', 'cascade')");
    const [user] = await dataSource.query("SELECT id FROM users WHERE email = 'cascade@example.com'");
    const [account] = await dataSource.query("SELECT id FROM accounts WHERE slug = 'cascade'");
    const insert = sql(
      'INSERT INTO cross_app_sessions (token_hash, user_id, account_id, expires_at) VALUES ($1, $2, $3, CURRENT_TIMESTAMP)',
      'INSERT INTO cross_app_sessions (token_hash, user_id, account_id, expires_at) VALUES (?, ?, ?, CURRENT_TIMESTAMP)',
    );
    await dataSource.query(insert, ['a'.repeat(64), user.id, null]);
    await dataSource.query(insert, ['b'.repeat(64), user.id, account.id]);
    const count = async (): Promise<number> =>
      Number((await dataSource.query('SELECT COUNT(*) AS n FROM cross_app_sessions'))[0].n);
    assert.equal(await count(), 2);
    await dataSource.query(sql('DELETE FROM accounts WHERE id = $1', 'DELETE FROM accounts WHERE id = ?'), [account.id]);
    assert.equal(await count(), 1, "the account's session went with it");
    await dataSource.query(sql('DELETE FROM users WHERE id = $1', 'DELETE FROM users WHERE id = ?'), [user.id]);
    assert.equal(await count(), 0, "the user's session went with it");
  });

  test('run, revert all, run again gives the schema of the first run', async () => {
    const reverted = await revertMigrations(dataSource, Number.POSITIVE_INFINITY);
    assert.equal(reverted.length, migrations.length);
    assert.deepEqual(await tableNames(dataSource), [], 'revert all leaves no Handoff table behind');
    assert.ok((await migrationStatus(dataSource)).every((state) => !state.applied));

    await runPendingMigrations(dataSource);
    assert.deepEqual(await schemaSnapshot(dataSource), firstRun);
  });
});

describeEachDatabase(
  'migrations from several instances at once',
  (database) => {
    test('two instances migrating one database together: each migration runs exactly once', async () => {
      const [first, second] = await Promise.all([openDataSource(database()), openDataSource(database())]);
      try {
        const [a, b] = await Promise.all([runPendingMigrations(first!), runPendingMigrations(second!)]);
        assert.deepEqual([...a, ...b].sort(), migrations.map((migration) => migration.name).sort());
        assert.ok(a.length === 0 || b.length === 0, 'one instance did all the work, the other found none left');
        const [row] = await first!.query('SELECT COUNT(*) AS n FROM migrations');
        assert.equal(Number(row.n), migrations.length);
      } finally {
        await Promise.all([first?.destroy(), second?.destroy()]);
      }
    });
  },
  ['postgres', 'mariadb'],
);
