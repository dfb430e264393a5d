import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ConfigError, loadConfig } from './config.js';
import { describeDatabase } from './database-url.js';

const KEY_SECRET = { HANDOFF_KEY_ENCRYPTION_SECRET: 'a-secret-of-thirty-two-characters!' };

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
    assert.deepEqual(config.server, { host: '127.0.0.1', port: 3000, requestTimeoutMs: 15_000, idleTimeoutMs: 65_000, maxConnectionsPerIp: 1_024 });
    assert.equal(config.databaseQueryTimeoutMs, 10_000);
    assert.equal(config.seedDemo, true);
    assert.equal(config.migrationsRun, true);
    assert.ok(Object.isFrozen(config) && Object.isFrozen(config.database));
  });

  test('an empty variable counts as unset', () => {
    assert.equal(loadConfig({ DATABASE_URL: '', PORT: '' }, '/srv').database.kind, 'pglite');
  });

  test('selects PostgreSQL, MySQL and MariaDB by scheme, without the demo seed', () => {
    const postgres = loadConfig({ DATABASE_URL: 'postgresql://app:s3cret@db.internal/handoff', ...KEY_SECRET });
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
    const mysql = loadConfig({ DATABASE_URL: 'mysql://root@127.0.0.1:3307/h?ssl=true', ...KEY_SECRET }).database;
    assert.equal(mysql.kind, 'mysql');
    assert.ok(mysql.kind === 'mysql' && mysql.flavour === 'mysql' && mysql.port === 3307 && mysql.ssl);
    const mariadb = loadConfig({ DATABASE_URL: 'mariadb://root@localhost/h', ...KEY_SECRET }).database;
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

  test('a database server needs the key-encryption secret from the environment', () => {
    assert.deepEqual(problemsOf({ DATABASE_URL: 'postgres://h/db' }), [
      'HANDOFF_KEY_ENCRYPTION_SECRET: required when DATABASE_URL is set (32 or more characters)',
    ]);
    assert.deepEqual(problemsOf({ HANDOFF_KEY_ENCRYPTION_SECRET: 'short' }), [
      'HANDOFF_KEY_ENCRYPTION_SECRET: must be at least 32 characters',
    ]);
  });

  test('external issuers: JSON with exactly one of jwks_uri and secret each', () => {
    const config = loadConfig({
      HANDOFF_EXTERNAL_ISSUERS: JSON.stringify([
        { issuer: 'https://idp.example.com', audience: 'handoff', jwks_uri: 'https://idp.example.com/jwks' },
        { issuer: 'tuvens', audience: 'handoff', secret: 's'.repeat(32) },
      ]),
    });
    assert.deepEqual(config.externalIssuers.map((issuer) => Object.keys(issuer).sort()), [
      ['audience', 'issuer', 'jwksUri'],
      ['audience', 'issuer', 'secret'],
    ]);
    assert.deepEqual(problemsOf({ HANDOFF_EXTERNAL_ISSUERS: 'not json' }), ['HANDOFF_EXTERNAL_ISSUERS: is not valid JSON']);
    const both = problemsOf({
      HANDOFF_EXTERNAL_ISSUERS: JSON.stringify([{ issuer: 'x', audience: 'y', secret: 's'.repeat(32), jwks_uri: 'https://x/j' }]),
    });
    assert.deepEqual(both, ['HANDOFF_EXTERNAL_ISSUERS.0: needs exactly one of jwks_uri and secret']);
    assert.ok(!problemsOf({ HANDOFF_EXTERNAL_ISSUERS: JSON.stringify([{ issuer: 'x', audience: 'y', secret: 'tiny' }]) })
      .join('').includes('tiny'), 'the secret is not echoed');
  });

  test('HANDOFF_PUBLIC_URL is an origin', () => {
    assert.equal(loadConfig({ HANDOFF_PUBLIC_URL: 'https://auth.example.com/' }).publicUrl, 'https://auth.example.com');
    assert.match(problemsOf({ HANDOFF_PUBLIC_URL: 'https://auth.example.com/handoff' })[0] ?? '', /^HANDOFF_PUBLIC_URL: must be an origin/);
    assert.match(problemsOf({ HANDOFF_PUBLIC_URL: 'ftp://x' })[0] ?? '', /^HANDOFF_PUBLIC_URL: /);
  });

  test('HANDOFF_CORS_ORIGINS: off by default; exact http(s) origins, normalised as browsers send them', () => {
    assert.deepEqual(loadConfig({}).cors.origins, []);
    const given = 'https://App.Example.com:443, http://localhost:5173/,https://app.example.com,';
    assert.deepEqual(loadConfig({ HANDOFF_CORS_ORIGINS: given }).cors.origins, ['https://app.example.com', 'http://localhost:5173']);
    for (const bad of ['*', 'https://app.example.com/path', 'app.example.com', 'ftp://files.example.com', 'https://a.example?x=1', 'https://u:p@a.example', 'null']) {
      const problems = problemsOf({ HANDOFF_CORS_ORIGINS: `https://ok.example,${bad}` });
      assert.deepEqual(problems, ['HANDOFF_CORS_ORIGINS: entry 2 is not an http(s) origin such as https://app.example.com (no path, no wildcard)'], bad);
    }
  });

  test('never echoes a password, even from a malformed URL', () => {
    for (const url of ['postgres://u:hunter2@/nodb', 'postgres://u:hunter2@host', 'hunter2', 'ftp://u:hunter2@h/db']) {
      for (const line of problemsOf({ DATABASE_URL: url })) {
        assert.ok(line.startsWith('DATABASE_URL: '), line);
        assert.ok(!line.includes('hunter2'), line);
      }
    }
    assert.equal(
      describeDatabase(loadConfig({ DATABASE_URL: 'postgres://u:hunter2@h:5433/db', ...KEY_SECRET }).database),
      'postgres://u@h:5433/db',
    );
  });
});
