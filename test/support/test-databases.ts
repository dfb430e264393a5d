import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe } from 'node:test';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { type HandoffConfig, loadConfig } from '../../src/config/config.js';

/**
 * Test databases: every database test runs once per kind, each in a database of its own (unique
 * name, dropped afterwards) so that runs never share state.
 *
 * Services missing: locally the suite for that kind is skipped with the reason; under CI
 * (`CI=true`) it fails, so a broken service can never turn into a green run.
 */
export type TestDatabaseKind = 'pglite' | 'postgres' | 'mariadb';
export const ALL_KINDS: readonly TestDatabaseKind[] = ['pglite', 'postgres', 'mariadb'];

const POSTGRES = { host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test' };
const MARIADB = { host: '127.0.0.1', port: 3306, user: 'root', password: '', database: 'test' };
const IN_CI = process.env.CI === 'true';
/** Server databases need the key secret from the environment; tests use one of their own. */
export const KEY_ENCRYPTION_SECRET = `test-key-secret-${randomBytes(16).toString('hex')}`;

export interface TestDatabase {
  readonly kind: TestDatabaseKind;
  /** The server database's name (PostgreSQL, MariaDB); PGlite has none of its own. */
  readonly name: string | undefined;
  /** Environment that points Handoff (server, CLI) at this database. */
  readonly env: Readonly<Record<string, string>>;
  readonly config: HandoffConfig;
  /** Runs SQL as the server's administrator, outside Handoff (not for PGlite). */
  admin(sql: string, params?: unknown[]): Promise<Array<Record<string, unknown>>>;
  drop(): Promise<void>;
}

export async function createTestDatabase(kind: TestDatabaseKind): Promise<TestDatabase> {
  const dataDir = await mkdtemp(join(tmpdir(), `handoff-test-${kind}-`));
  const name = `handoff_t_${randomBytes(6).toString('hex')}`;
  const base = { HANDOFF_DATA_DIR: dataDir, LOG_LEVEL: 'silent', HANDOFF_KEY_ENCRYPTION_SECRET: KEY_ENCRYPTION_SECRET };
  if (kind === 'pglite') {
    return database(kind, undefined, base, notAvailable, () => rm(dataDir, { recursive: true, force: true }));
  }
  if (kind === 'postgres') {
    await postgresAdmin(`CREATE DATABASE ${name}`);
    const url = `postgres://${POSTGRES.user}@${POSTGRES.host}:${POSTGRES.port}/${name}`;
    return database(
      kind,
      name,
      { ...base, DATABASE_URL: url },
      (sql, params) => postgresAdmin(sql, params, name),
      async () => {
        await postgresAdmin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await rm(dataDir, { recursive: true, force: true });
      },
    );
  }
  await mariadbAdmin(`CREATE DATABASE ${name} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  const url = `mariadb://${MARIADB.user}@${MARIADB.host}:${MARIADB.port}/${name}`;
  return database(
    kind,
    name,
    { ...base, DATABASE_URL: url },
    (sql, params) => mariadbAdmin(sql, params, name),
    async () => {
      // Like PostgreSQL's WITH (FORCE): connections to it end, so that its loss is noticed.
      const sessions = await mariadbAdmin('SELECT ID AS id FROM information_schema.PROCESSLIST WHERE DB = ?', [name]);
      for (const session of sessions) await mariadbAdmin(`KILL CONNECTION ${Number(session.id)}`).catch(() => undefined);
      await mariadbAdmin(`DROP DATABASE IF EXISTS ${name}`);
      await rm(dataDir, { recursive: true, force: true });
    },
  );
}

function database(
  kind: TestDatabaseKind,
  name: string | undefined,
  env: Record<string, string>,
  admin: TestDatabase['admin'],
  drop: () => Promise<void>,
): TestDatabase {
  return { kind, name, env, config: loadConfig(env), admin, drop };
}

async function notAvailable(): Promise<never> {
  throw new Error('PGlite has no administrator connection: it lives inside the process under test');
}

export async function postgresAdmin(
  sql: string,
  params: unknown[] = [],
  database = POSTGRES.database,
): Promise<Array<Record<string, unknown>>> {
  const client = new pg.Client({ ...POSTGRES, database });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as Array<Record<string, unknown>>;
  } finally {
    await client.end();
  }
}

export async function mariadbAdmin(
  sql: string,
  params: unknown[] = [],
  database = MARIADB.database,
): Promise<Array<Record<string, unknown>>> {
  const connection = await mysql.createConnection({ ...MARIADB, database, timezone: 'Z' });
  try {
    const [rows] = await connection.query(sql, params);
    return (Array.isArray(rows) ? rows : []) as Array<Record<string, unknown>>;
  } finally {
    await connection.end();
  }
}

/** Kinds to test: all, or those listed in HANDOFF_TEST_DATABASES (e.g. "postgres,mariadb"). */
export function selectedKinds(only: readonly TestDatabaseKind[] = ALL_KINDS): TestDatabaseKind[] {
  const listed = process.env.HANDOFF_TEST_DATABASES?.split(',').map((kind) => kind.trim());
  const unknown = listed?.filter((kind) => !(ALL_KINDS as readonly string[]).includes(kind)) ?? [];
  // A typo must not turn into "every database suite skipped".
  if (unknown.length > 0) throw new Error(`HANDOFF_TEST_DATABASES: unknown kind(s) ${unknown.join(', ')}`);
  return only.filter((kind) => !listed || listed.includes(kind));
}

/**
 * Whether something listens on the port. A loaded machine can take seconds to accept: a few
 * tries, each patient, before a service is called missing (which fails CI).
 */
async function reachable(port: number, attempts = 3): Promise<boolean> {
  for (let attempt = 0; attempt < attempts; attempt++) {
    if (await connects(port)) return true;
  }
  return false;
}

function connects(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port, timeout: 3_000 });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

/** Redis for the tests that need it: why it cannot be used, or undefined when it can. */
export const REDIS_URL = 'redis://127.0.0.1:6379';
const redisMissing = (await reachable(6379)) ? undefined : 'Redis is not reachable on 127.0.0.1:6379';

/** Options for a test that needs Redis: skipped locally without it, failed under CI. */
export function needsRedis(): { skip?: string } {
  if (redisMissing && IN_CI) throw new Error(`${redisMissing}: CI requires it`);
  return redisMissing ? { skip: redisMissing } : {};
}

const availability: Record<TestDatabaseKind, string | undefined> = {
  pglite: undefined,
  postgres: (await reachable(POSTGRES.port)) ? undefined : `PostgreSQL is not reachable on 127.0.0.1:${POSTGRES.port}`,
  mariadb: (await reachable(MARIADB.port)) ? undefined : `MariaDB is not reachable on 127.0.0.1:${MARIADB.port}`,
};

/**
 * Declares `body` once per database kind, inside a suite that creates a fresh database before
 * and drops it after. `body` receives a getter, valid inside tests and hooks.
 */
export function describeEachDatabase(
  title: string,
  body: (database: () => TestDatabase, kind: TestDatabaseKind) => void,
  only: readonly TestDatabaseKind[] = ALL_KINDS,
): void {
  for (const kind of selectedKinds(only)) {
    const missing = availability[kind];
    if (missing && IN_CI) {
      describe(`${title} [${kind}]`, () => {
        before(() => {
          throw new Error(`${missing}: CI requires it (README.md, "Development", shows how to start it)`);
        });
        body(() => {
          throw new Error(missing);
        }, kind);
      });
      continue;
    }
    describe(`${title} [${kind}]`, { skip: missing }, () => {
      let current: TestDatabase | undefined;
      before(async () => {
        current = await createTestDatabase(kind);
      });
      body(() => {
        if (!current) throw new Error('the test database is not ready');
        return current;
      }, kind);
      // Registered after the body's hooks so that theirs run first (after-hooks run in order).
      after(async () => {
        await current?.drop();
      });
    });
  }
}
