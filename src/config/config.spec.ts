import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ConfigError, loadConfig } from './config.js';
import { describeDatabase } from './database-url.js';

function problemsOf(env: Record<string, string>): readonly string[] {
  try {
    loadConfig(env, '/srv/handoff');
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    return error.problems;
  }
  assert.fail('expected a ConfigError');
}

describe('loadConfig', () => {
  test('defaults to PGlite under ./.data, port 3000 on loopback, with the demo seed', () => {
    const config = loadConfig({}, '/srv/handoff');
    assert.deepEqual(config.database, { kind: 'pglite', directory: '/srv/handoff/.data/pglite' });
    assert.deepEqual(config.server, { host: '127.0.0.1', port: 3000 });
    assert.equal(config.seedDemo, true);
    assert.equal(config.migrationsRun, true);
    assert.ok(Object.isFrozen(config) && Object.isFrozen(config.database));
  });

  test('an empty variable counts as unset', () => {
    assert.equal(loadConfig({ DATABASE_URL: '', PORT: '' }, '/srv').database.kind, 'pglite');
  });

  test('selects PostgreSQL, MySQL and MariaDB by scheme, without the demo seed', () => {
    const postgres = loadConfig({ DATABASE_URL: 'postgresql://app:s3cret@db.internal/handoff' });
    assert.equal(postgres.database.kind, 'postgres');
    assert.equal(postgres.seedDemo, false);
    assert.deepEqual(
      { ...postgres.database },
      {
        kind: 'postgres',
        flavour: 'postgres',
        host: 'db.internal',
        port: 5432,
        username: 'app',
        password: 's3cret',
        database: 'handoff',
        ssl: false,
        poolSize: 10,
      },
    );
    const mysql = loadConfig({ DATABASE_URL: 'mysql://root@127.0.0.1:3307/h?ssl=true' }).database;
    assert.equal(mysql.kind, 'mysql');
    assert.ok(mysql.kind === 'mysql' && mysql.flavour === 'mysql' && mysql.port === 3307 && mysql.ssl);
    const mariadb = loadConfig({ DATABASE_URL: 'mariadb://root@localhost/h' }).database;
    assert.ok(mariadb.kind === 'mysql' && mariadb.flavour === 'mariadb' && mariadb.port === 3306);
  });

  test('names the variable and what is wrong, one line each, for every bad variable', () => {
    assert.deepEqual(problemsOf({ DATABASE_URL: 'sqlite:///tmp/x.db' }), [
      'DATABASE_URL: unsupported scheme "sqlite" (expected postgres, mysql or mariadb)',
    ]);
    const problems = problemsOf({ PORT: 'eighty', LOG_LEVEL: 'loud', HANDOFF_MIGRATIONS_RUN: 'perhaps' });
    assert.equal(problems.length, 3);
    assert.match(problems.find((line) => line.startsWith('PORT:')) ?? '', /^PORT: must be a number$/);
    assert.match(problems.find((line) => line.startsWith('LOG_LEVEL:')) ?? '', /must be one of fatal, error/);
    assert.ok(problems.some((line) => line.startsWith('HANDOFF_MIGRATIONS_RUN: ')));
    assert.deepEqual(problemsOf({ PORT: '70000' }), ['PORT: must be at most 65535']);
  });

  test('never echoes a password, even from a malformed URL', () => {
    for (const url of ['postgres://u:hunter2@/nodb', 'postgres://u:hunter2@host', 'hunter2', 'ftp://u:hunter2@h/db']) {
      for (const line of problemsOf({ DATABASE_URL: url })) {
        assert.ok(line.startsWith('DATABASE_URL: '), line);
        assert.ok(!line.includes('hunter2'), line);
      }
    }
    assert.equal(
      describeDatabase(loadConfig({ DATABASE_URL: 'postgres://u:hunter2@h:5433/db' }).database),
      'postgres://u@h:5433/db',
    );
  });
});
