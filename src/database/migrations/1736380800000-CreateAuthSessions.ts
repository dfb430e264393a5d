import type { MigrationInterface, QueryRunner } from 'typeorm';
import { runStatements } from '../dialect.js';
import { referencesSql } from '../host-tables.js';

/**
 * `auth_sessions`, the QR-code / device login requests (SPEC §5), as they stood before the
 * exchange-token migration 1736467200000 that follows. The device code is stored as its SHA-256;
 * user codes are unique so that a phone's look-up can never match two requests.
 */
export class CreateAuthSessions1736380800000 implements MigrationInterface {
  name = 'CreateAuthSessions1736380800000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await runStatements(queryRunner, {
      postgres: [
        `CREATE TABLE auth_sessions (
          id UUID PRIMARY KEY,
          device_code_hash VARCHAR(64) NOT NULL,
          user_code VARCHAR(16) NOT NULL,
          status VARCHAR(16) NOT NULL DEFAULT 'pending',
          user_id INTEGER,
          user_agent TEXT,
          ip_address INET,
          created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
          approved_at TIMESTAMP,
          expires_at TIMESTAMP NOT NULL,
          CONSTRAINT uq_auth_sessions_device_code_hash UNIQUE (device_code_hash),
          CONSTRAINT uq_auth_sessions_user_code UNIQUE (user_code),
          CONSTRAINT chk_auth_sessions_status
            CHECK (status IN ('pending', 'approved', 'denied', 'expired')),
          CONSTRAINT fk_auth_sessions_user_id
            FOREIGN KEY (user_id) ${referencesSql('postgres', 'users')} ON DELETE CASCADE
        )`,
        'CREATE INDEX idx_auth_sessions_expires_at ON auth_sessions(expires_at)',
        'CREATE INDEX idx_auth_sessions_user_id ON auth_sessions(user_id)',
      ],
      mysql: [
        `CREATE TABLE auth_sessions (
          id CHAR(36) NOT NULL PRIMARY KEY,
          device_code_hash VARCHAR(64) NOT NULL,
          user_code VARCHAR(16) NOT NULL,
          status VARCHAR(16) NOT NULL DEFAULT 'pending',
          user_id INT NULL,
          user_agent TEXT NULL,
          ip_address VARCHAR(45) NULL,
          created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
          approved_at DATETIME(6) NULL,
          expires_at DATETIME(6) NOT NULL,
          CONSTRAINT uq_auth_sessions_device_code_hash UNIQUE (device_code_hash),
          CONSTRAINT uq_auth_sessions_user_code UNIQUE (user_code),
          KEY idx_auth_sessions_expires_at (expires_at),
          KEY idx_auth_sessions_user_id (user_id),
          CONSTRAINT chk_auth_sessions_status
            CHECK (status IN ('pending', 'approved', 'denied', 'expired')),
          CONSTRAINT fk_auth_sessions_user_id
            FOREIGN KEY (user_id) ${referencesSql('mysql', 'users')} ON DELETE CASCADE ON UPDATE NO ACTION
        ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
      ],
    });
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE auth_sessions');
  }
}
