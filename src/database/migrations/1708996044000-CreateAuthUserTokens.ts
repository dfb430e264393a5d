import type { MigrationInterface, QueryRunner } from 'typeorm';
import { runStatements } from '../dialect.js';

/**
 * `auth_user_tokens`, ticket MET-14854 (2024-02-27 01:07:24; design document 003). On MariaDB /
 * MySQL this is the ticket's DDL as written, plus the table options every Handoff table has
 * (InnoDB, utf8mb4). On PostgreSQL, the nearest equivalents:
 * - `INT UNSIGNED` is `INTEGER` with a `CHECK (… >= 0)` (the id is a SERIAL, positive by
 *   construction). That keeps user ids below 2^31 where MySQL allows 2^32; `users.id` is an
 *   INTEGER too, so every Handoff user fits;
 * - `TINYINT(1) DEFAULT 0` is `BOOLEAN DEFAULT false`, nullable as in the ticket;
 * - `DATETIME` is `TIMESTAMP(0)` (MySQL's DATETIME keeps whole seconds);
 * - `ON UPDATE CURRENT_TIMESTAMP` is a BEFORE UPDATE trigger that, like MySQL, only touches
 *   `updated_at` when some other column actually changed;
 * - column comments are kept with COMMENT ON COLUMN.
 * `access_token` holds the SHA-256 of the JWT (SPEC §2), never the JWT. No foreign key: the ticket
 * only names the user table in a comment.
 */
export class CreateAuthUserTokens1708996044000 implements MigrationInterface {
  name = 'CreateAuthUserTokens1708996044000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await runStatements(queryRunner, {
      postgres: [
        `CREATE TABLE auth_user_tokens (
          id SERIAL PRIMARY KEY,
          user_id INTEGER NOT NULL CHECK (user_id >= 0),
          disabled BOOLEAN DEFAULT false,
          access_token VARCHAR(512) NOT NULL,
          created_at TIMESTAMP(0) NOT NULL DEFAULT CURRENT_TIMESTAMP,
          updated_at TIMESTAMP(0) NOT NULL DEFAULT CURRENT_TIMESTAMP
        )`,
        `COMMENT ON COLUMN auth_user_tokens.user_id IS 'the user id(hybrid.auth_user.id)'`,
        `COMMENT ON COLUMN auth_user_tokens.disabled IS 'the token is available or not.'`,
        `COMMENT ON COLUMN auth_user_tokens.access_token IS 'the jwt access token belong to the user id'`,
        `CREATE FUNCTION auth_user_tokens_touch_updated_at() RETURNS trigger
          LANGUAGE plpgsql AS $$
          BEGIN
            -- As MySQL: only when the row really changes and the UPDATE did not set updated_at.
            IF NEW IS DISTINCT FROM OLD AND NEW.updated_at IS NOT DISTINCT FROM OLD.updated_at THEN
              NEW.updated_at := CURRENT_TIMESTAMP;
            END IF;
            RETURN NEW;
          END
          $$`,
        `CREATE TRIGGER trg_auth_user_tokens_updated_at
          BEFORE UPDATE ON auth_user_tokens
          FOR EACH ROW EXECUTE FUNCTION auth_user_tokens_touch_updated_at()`,
      ],
      mysql: [
        `CREATE TABLE auth_user_tokens (
          id INT UNSIGNED AUTO_INCREMENT PRIMARY KEY,
          user_id INT UNSIGNED NOT NULL COMMENT 'the user id(hybrid.auth_user.id)',
          disabled TINYINT(1) DEFAULT 0 COMMENT 'the token is available or not.',
          access_token VARCHAR(512) NOT NULL COMMENT 'the jwt access token belong to the user id',
          created_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
          updated_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP
        ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
      ],
    });
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await runStatements(queryRunner, {
      postgres: ['DROP TABLE auth_user_tokens', 'DROP FUNCTION auth_user_tokens_touch_updated_at()'],
      mysql: ['DROP TABLE auth_user_tokens'],
    });
  }
}
