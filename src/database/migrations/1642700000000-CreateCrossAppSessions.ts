import type { MigrationInterface, QueryRunner } from 'typeorm';
import { runStatements } from '../dialect.js';
import { referencesSql } from '../host-tables.js';

/**
 * `cross_app_sessions` exactly as design documents 001/004 write it in SQL: columns, types,
 * defaults, named foreign keys with ON DELETE CASCADE, and the five indexes. (Document 000's
 * TypeORM version of this migration names the indexes differently and omits the cleanup index;
 * the SQL is the reference.) Name and timestamp are kept so that a database where the documents'
 * migration already ran sees this one as applied.
 *
 * MariaDB / MySQL, the nearest equivalents:
 * - `SERIAL` is `INT AUTO_INCREMENT` (MySQL's own SERIAL is BIGINT UNSIGNED, which would not
 *   match `users.id`);
 * - `TIMESTAMP` (without time zone) is `DATETIME(6)`: same microsecond precision, no implicit
 *   time-zone conversion and no 2038 limit, unlike MySQL's TIMESTAMP;
 * - `INET` is `VARCHAR(45)`, long enough for any IPv6 text form;
 * - the partial cleanup index `WHERE revoked_at IS NULL` becomes a plain index on the same
 *   columns (MySQL has no partial indexes);
 * - indexes are declared inside CREATE TABLE so that InnoDB uses `idx_cross_app_sessions_user_id`
 *   for the user foreign key instead of adding one of its own. The account foreign key still gets
 *   InnoDB's implicit index `fk_cross_app_sessions_account_id`, which InnoDB requires;
 * - the inline UNIQUE gets the name PostgreSQL gives it, `cross_app_sessions_token_hash_key`;
 * - foreign keys say ON UPDATE NO ACTION, PostgreSQL's default, which MySQL would otherwise
 *   report as RESTRICT (the same behaviour under another name);
 * - the table is utf8mb4 with a case-insensitive collation, like every Handoff table there.
 *   Handoff only ever looks up values it computed itself (lowercase hex hashes), so the
 *   difference from PostgreSQL's byte comparison never changes an answer.
 */
export class CreateCrossAppSessions1642700000000 implements MigrationInterface {
  name = 'CreateCrossAppSessions1642700000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await runStatements(queryRunner, {
      postgres: [
        `CREATE TABLE cross_app_sessions (
          id SERIAL PRIMARY KEY,
          token_hash VARCHAR(255) NOT NULL UNIQUE,
          user_id INTEGER NOT NULL,
          account_id INTEGER,
          expires_at TIMESTAMP NOT NULL,
          created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
          used_at TIMESTAMP,
          revoked_at TIMESTAMP,
          source_app VARCHAR(50) DEFAULT 'tuvens',
          target_app VARCHAR(50) DEFAULT 'hi-events',
          user_agent TEXT,
          ip_address INET,
          CONSTRAINT fk_cross_app_sessions_user_id
            FOREIGN KEY (user_id) ${referencesSql('postgres', 'users')} ON DELETE CASCADE,
          CONSTRAINT fk_cross_app_sessions_account_id
            FOREIGN KEY (account_id) ${referencesSql('postgres', 'accounts')} ON DELETE CASCADE
        )`,
        'CREATE INDEX idx_cross_app_sessions_token_hash ON cross_app_sessions(token_hash)',
        'CREATE INDEX idx_cross_app_sessions_expires_at ON cross_app_sessions(expires_at)',
        'CREATE INDEX idx_cross_app_sessions_user_id ON cross_app_sessions(user_id)',
        'CREATE INDEX idx_cross_app_sessions_created_at ON cross_app_sessions(created_at)',
        `CREATE INDEX idx_cross_app_sessions_cleanup
          ON cross_app_sessions(expires_at, revoked_at)
          WHERE revoked_at IS NULL`,
      ],
      mysql: [
        `CREATE TABLE cross_app_sessions (
          id INT AUTO_INCREMENT PRIMARY KEY,
          token_hash VARCHAR(255) NOT NULL,
          user_id INT NOT NULL,
          account_id INT NULL,
          expires_at DATETIME(6) NOT NULL,
          created_at DATETIME(6) NULL DEFAULT CURRENT_TIMESTAMP(6),
          used_at DATETIME(6) NULL,
          revoked_at DATETIME(6) NULL,
          source_app VARCHAR(50) NULL DEFAULT 'tuvens',
          target_app VARCHAR(50) NULL DEFAULT 'hi-events',
          user_agent TEXT NULL,
          ip_address VARCHAR(45) NULL,
          CONSTRAINT cross_app_sessions_token_hash_key UNIQUE (token_hash),
          KEY idx_cross_app_sessions_token_hash (token_hash),
          KEY idx_cross_app_sessions_expires_at (expires_at),
          KEY idx_cross_app_sessions_user_id (user_id),
          KEY idx_cross_app_sessions_created_at (created_at),
          KEY idx_cross_app_sessions_cleanup (expires_at, revoked_at),
          CONSTRAINT fk_cross_app_sessions_user_id
            FOREIGN KEY (user_id) ${referencesSql('mysql', 'users')} ON DELETE CASCADE ON UPDATE NO ACTION,
          CONSTRAINT fk_cross_app_sessions_account_id
            FOREIGN KEY (account_id) ${referencesSql('mysql', 'accounts')} ON DELETE CASCADE ON UPDATE NO ACTION
        ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
      ],
    });
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE cross_app_sessions');
  }
}
