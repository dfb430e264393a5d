import type { MigrationInterface, QueryRunner } from 'typeorm';
import { runStatements } from '../dialect.js';

/**
 * One-time exchange tokens for QR login (design document 002). Adds `exchange_token` (the
 * token's SHA-256, 64 hex characters) and `is_exchanged`, with a partial index on non-null
 * exchange tokens and an index on `is_exchanged` for cleanup. Safe on a table that holds rows:
 * existing sessions get `exchange_token = NULL` and `is_exchanged = false`.
 *
 * MariaDB / MySQL: BOOLEAN is TINYINT(1), and the partial index becomes a plain one (InnoDB
 * indexes NULLs cheaply, so it serves the same look-ups).
 *
 * `down()` follows the document's order: the indexes, then `is_exchanged`, then `exchange_token`.
 */
export class AddAuthSessionExchangeToken1736467200000 implements MigrationInterface {
  name = 'AddAuthSessionExchangeToken1736467200000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await runStatements(queryRunner, {
      postgres: [
        'ALTER TABLE auth_sessions ADD COLUMN exchange_token VARCHAR(64) NULL',
        'ALTER TABLE auth_sessions ADD COLUMN is_exchanged BOOLEAN NOT NULL DEFAULT false',
        `CREATE INDEX idx_auth_sessions_exchange_token ON auth_sessions(exchange_token)
          WHERE exchange_token IS NOT NULL`,
        'CREATE INDEX idx_auth_sessions_is_exchanged ON auth_sessions(is_exchanged)',
      ],
      mysql: [
        'ALTER TABLE auth_sessions ADD COLUMN exchange_token VARCHAR(64) NULL',
        'ALTER TABLE auth_sessions ADD COLUMN is_exchanged BOOLEAN NOT NULL DEFAULT false',
        'CREATE INDEX idx_auth_sessions_exchange_token ON auth_sessions(exchange_token)',
        'CREATE INDEX idx_auth_sessions_is_exchanged ON auth_sessions(is_exchanged)',
      ],
    });
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await runStatements(queryRunner, {
      postgres: [
        'DROP INDEX idx_auth_sessions_exchange_token',
        'DROP INDEX idx_auth_sessions_is_exchanged',
        'ALTER TABLE auth_sessions DROP COLUMN is_exchanged',
        'ALTER TABLE auth_sessions DROP COLUMN exchange_token',
      ],
      mysql: [
        'DROP INDEX idx_auth_sessions_exchange_token ON auth_sessions',
        'DROP INDEX idx_auth_sessions_is_exchanged ON auth_sessions',
        'ALTER TABLE auth_sessions DROP COLUMN is_exchanged',
        'ALTER TABLE auth_sessions DROP COLUMN exchange_token',
      ],
    });
  }
}
