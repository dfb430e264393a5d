import { createHash, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { DataSource, QueryRunner } from 'typeorm';
import { dialectOf, type SqlDialect } from '../../src/database/dialect.js';
import { CreateAuthSessions1736380800000 } from '../../src/database/migrations/1736380800000-CreateAuthSessions.js';
import { AddAuthSessionExchangeToken1736467200000 } from '../../src/database/migrations/1736467200000-AddAuthSessionExchangeToken.js';
import { ROOT } from './processes.js';

/**
 * A database as a team that followed the design documents by hand has it (issue 10 item 3):
 * - `users` and `accounts`, which the documents' foreign keys reference without defining them:
 *   here as SPEC §2's standalone tables;
 * - `cross_app_sessions` from document 001's SQL, verbatim (test/fixtures/design-documents);
 *   on MariaDB with the translations migration 1642700000000 documents (MariaDB has no INET, no
 *   partial index; SERIAL would be BIGINT UNSIGNED);
 * - `auth_user_tokens` from document 003's DDL, verbatim on MariaDB; on PostgreSQL, where that
 *   MySQL DDL cannot run, in the spelling migration 1708996044000 documents, without the trigger;
 * - `auth_sessions` (SPEC §5) and document 002's migration, which the documents name
 *   (`1736467200000-AddAuthSessionExchangeToken`) but whose code they do not show: Handoff's
 *   classes of those names. On PostgreSQL it ran through TypeORM (`pnpm typeorm migration:run`,
 *   as document 002 says), so TypeORM's `migrations` table has its row; on MariaDB by hand.
 */
export interface DesignDocumentRows {
  /** A live session token whose SHA-256 hex is in `cross_app_sessions.token_hash`. */
  readonly liveToken: string;
  readonly userEmail: string;
  readonly accountId: number;
}

const FIXTURES = `${ROOT}test/fixtures/design-documents`;

export async function designDocumentStatements(dialect: SqlDialect): Promise<string[]> {
  const crossApp = await readFile(`${FIXTURES}/001-cross-app-sessions.sql`, 'utf8');
  const tokens = await readFile(`${FIXTURES}/003-auth-user-tokens.sql`, 'utf8');
  return [
    ...DIRECTORY[dialect],
    ...splitStatements(dialect === 'postgres' ? crossApp : crossAppForMysql(crossApp)),
    ...(dialect === 'postgres' ? tokensForPostgres(tokens) : splitStatements(tokens)),
  ];
}

/** Builds the whole fixture with rows on an empty database. `edit` may change the SQL first. */
export async function buildDesignDocumentDatabase(
  dataSource: DataSource,
  edit: (statements: string[]) => string[] = (statements) => statements,
): Promise<DesignDocumentRows> {
  const dialect = dialectOf(dataSource);
  for (const statement of edit(await designDocumentStatements(dialect))) await dataSource.query(statement);
  const queryRunner = dataSource.createQueryRunner();
  try {
    await new CreateAuthSessions1736380800000().up(queryRunner);
    await new AddAuthSessionExchangeToken1736467200000().up(queryRunner);
    if (dialect === 'postgres') await recordTypeormMigration(queryRunner);
  } finally {
    await queryRunner.release();
  }
  return insertRows(dataSource, dialect);
}

const DIRECTORY: Record<SqlDialect, string[]> = {
  postgres: [
    `CREATE TABLE users (id SERIAL PRIMARY KEY, email VARCHAR(255) NOT NULL, name VARCHAR(255),
      created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP, CONSTRAINT uq_users_email UNIQUE (email))`,
    `CREATE TABLE accounts (id SERIAL PRIMARY KEY, name VARCHAR(255) NOT NULL, slug VARCHAR(100) NOT NULL,
      created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP, CONSTRAINT uq_accounts_slug UNIQUE (slug))`,
  ],
  mysql: [
    `CREATE TABLE users (id INT AUTO_INCREMENT PRIMARY KEY, email VARCHAR(255) NOT NULL, name VARCHAR(255) NULL,
      created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), CONSTRAINT uq_users_email UNIQUE (email))`,
    `CREATE TABLE accounts (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(255) NOT NULL, slug VARCHAR(100) NOT NULL,
      created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), CONSTRAINT uq_accounts_slug UNIQUE (slug))`,
  ],
};

export function splitStatements(sql: string): string[] {
  return sql
    .split(/;\s*(?:\n|$)/)
    .map((statement) => statement.replace(/^\s*--.*$/gm, '').trim())
    .filter((statement) => statement.length > 0);
}

function crossAppForMysql(sql: string): string {
  return sql
    .replace('SERIAL PRIMARY KEY', 'INT AUTO_INCREMENT PRIMARY KEY')
    .replace('TIMESTAMP DEFAULT CURRENT_TIMESTAMP', 'DATETIME(6) DEFAULT CURRENT_TIMESTAMP(6)')
    .replace(/\bTIMESTAMP\b(?!\()/g, 'DATETIME(6)')
    .replace('INET', 'VARCHAR(45)')
    .replace(/\s*WHERE revoked_at IS NULL/, '');
}

function tokensForPostgres(sql: string): string[] {
  const comments: string[] = [];
  const table = sql
    .replace('INT UNSIGNED AUTO_INCREMENT PRIMARY KEY', 'SERIAL PRIMARY KEY')
    .replace('user_id INT UNSIGNED NOT NULL', 'user_id INTEGER NOT NULL CHECK (user_id >= 0)')
    .replace('TINYINT(1) DEFAULT 0', 'BOOLEAN DEFAULT false')
    .replace(/\bDATETIME\b/g, 'TIMESTAMP(0)')
    .replace(' ON UPDATE CURRENT_TIMESTAMP', '')
    .replace(/^\s*(\w+)(.*?) COMMENT ('[^']*')/gm, (_match, column: string, rest: string, comment: string) => {
      comments.push(`COMMENT ON COLUMN auth_user_tokens.${column} IS ${comment}`);
      return `  ${column}${rest}`;
    });
  return [...splitStatements(table), ...comments];
}

/** TypeORM's own `migrations` table, as `typeorm migration:run` leaves it after document 002's migration. */
async function recordTypeormMigration(queryRunner: QueryRunner): Promise<void> {
  await queryRunner.query(`CREATE TABLE "migrations" ("id" SERIAL NOT NULL, "timestamp" bigint NOT NULL,
    "name" character varying NOT NULL, CONSTRAINT "PK_8c82d7f526340ab734260ea46be" PRIMARY KEY ("id"))`);
  await queryRunner.query(
    `INSERT INTO "migrations" ("timestamp", "name") VALUES (1736467200000, 'AddAuthSessionExchangeToken1736467200000')`,
  );
}

async function insertRows(dataSource: DataSource, dialect: SqlDialect): Promise<DesignDocumentRows> {
  const p = (index: number): string => (dialect === 'postgres' ? `$${index}` : '?');
  const later = dialect === 'postgres' ? "CURRENT_TIMESTAMP + INTERVAL '10 minutes'" : 'CURRENT_TIMESTAMP + INTERVAL 10 MINUTE';
  const earlier = dialect === 'postgres' ? "CURRENT_TIMESTAMP - INTERVAL '10 minutes'" : 'CURRENT_TIMESTAMP - INTERVAL 10 MINUTE';
  await dataSource.query("INSERT INTO users (email, name) VALUES ('test@example.com', 'Test User'), ('ada@example.com', NULL)");
  await dataSource.query("INSERT INTO accounts (name, slug) VALUES ('Tuvens Events', 'tuvens-events')");
  const [user] = await dataSource.query("SELECT id FROM users WHERE email = 'test@example.com'");
  const [account] = await dataSource.query("SELECT id FROM accounts WHERE slug = 'tuvens-events'");
  const liveToken = randomBytes(32).toString('hex');
  const sessions = [
    [sha256(liveToken), later, '203.0.113.7'],
    [sha256(randomBytes(32).toString('hex')), earlier, '2001:db8::1'],
  ] as const;
  for (const [hash, expires, ip] of sessions) {
    await dataSource.query(
      `INSERT INTO cross_app_sessions (token_hash, user_id, account_id, expires_at, user_agent, ip_address)
       VALUES (${p(1)}, ${p(2)}, ${p(3)}, ${expires}, 'Mozilla/5.0 (fixture)', ${p(4)})`,
      [hash, user.id, account.id, ip],
    );
  }
  for (const disabled of [false, true]) {
    await dataSource.query(
      `INSERT INTO auth_user_tokens (user_id, disabled, access_token) VALUES (${p(1)}, ${p(2)}, ${p(3)})`,
      [user.id, dialect === 'postgres' ? disabled : Number(disabled), sha256(randomBytes(16).toString('hex'))],
    );
  }
  await dataSource.query(
    `INSERT INTO auth_sessions (id, device_code_hash, user_code, status, user_id, expires_at)
     VALUES (${p(1)}, ${p(2)}, 'BCDF-GHJK', 'approved', ${p(3)}, ${later})`,
    ['6f1c2a5e-3b4d-4e8f-9a0b-1c2d3e4f5a6b', sha256('device'), user.id],
  );
  return { liveToken, userEmail: 'test@example.com', accountId: Number(account.id) };
}

export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}
