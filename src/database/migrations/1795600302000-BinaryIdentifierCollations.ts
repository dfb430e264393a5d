import type { MigrationInterface, QueryRunner } from 'typeorm';
import { binaryCollationOf, type CollatedColumn, modifyCollations } from '../binary-collation.js';

const TEXT = 'utf8mb4_unicode_ci';
const PAD_BIN = 'utf8mb4_bin';

/** Handoff's own columns that hold an identifier, a hash or a code; definitions as created. */
const COLUMNS: readonly CollatedColumn[] = [
  ['auth_sessions', 'id', 'CHAR(36) NOT NULL', TEXT],
  ['auth_sessions', 'device_code_hash', 'VARCHAR(64) NOT NULL', TEXT],
  ['auth_sessions', 'user_code', 'VARCHAR(16) NOT NULL', TEXT],
  ['auth_sessions', 'status', "VARCHAR(16) NOT NULL DEFAULT 'pending'", TEXT],
  ['auth_sessions', 'ip_address', 'VARCHAR(45) NULL', TEXT],
  ['auth_sessions', 'exchange_token', 'VARCHAR(64) NULL', TEXT],
  ['auth_sessions', 'client_id', 'VARCHAR(50) NULL', TEXT],
  ['auth_user_tokens', 'access_token', "VARCHAR(512) NOT NULL COMMENT 'the jwt access token belong to the user id'", TEXT],
  ['auth_user_tokens', 'jti', 'VARCHAR(64) NULL', TEXT],
  ['cross_app_sessions', 'token_hash', 'VARCHAR(255) NOT NULL', TEXT],
  ['cross_app_sessions', 'source_app', "VARCHAR(50) NULL DEFAULT 'tuvens'", TEXT],
  ['cross_app_sessions', 'target_app', "VARCHAR(50) NULL DEFAULT 'hi-events'", TEXT],
  ['cross_app_sessions', 'ip_address', 'VARCHAR(45) NULL', TEXT],
  ['cross_app_sessions_archive', 'token_hash', 'VARCHAR(255) NOT NULL', TEXT],
  ['cross_app_sessions_archive', 'source_app', "VARCHAR(50) NULL DEFAULT 'tuvens'", TEXT],
  ['cross_app_sessions_archive', 'target_app', "VARCHAR(50) NULL DEFAULT 'hi-events'", TEXT],
  ['cross_app_sessions_archive', 'ip_address', 'VARCHAR(45) NULL', TEXT],
  ['external_identity_tombstones', 'external_issuer', 'VARCHAR(255) NOT NULL', TEXT],
  ['external_identity_tombstones', 'external_subject', 'VARCHAR(255) NOT NULL', TEXT],
  ['scheduled_job_runs', 'job', 'VARCHAR(50) NOT NULL', TEXT],
  ['scheduled_job_runs', 'instance', 'VARCHAR(100) NOT NULL', TEXT],
  ['scheduled_job_runs', 'outcome', 'VARCHAR(16) NULL', TEXT],
  ['scheduled_job_runs', 'summary', 'TEXT NULL', TEXT],
  ['signing_keys', 'kid', 'VARCHAR(64) NOT NULL', TEXT],
  ['signing_keys', 'algorithm', 'VARCHAR(16) NOT NULL', TEXT],
  ['signing_keys', 'public_jwk', 'TEXT NOT NULL', TEXT],
  ['signing_keys', 'private_key_encrypted', 'TEXT NOT NULL', TEXT],
  ['target_apps', 'name', 'VARCHAR(50) NOT NULL', TEXT],
  ['target_apps', 'allowed_origins', 'TEXT NOT NULL', TEXT],
  ['target_app_secrets', 'secret_hash', 'CHAR(64) NOT NULL', TEXT],
  // Already binary, but PAD SPACE: 'evt-a' and 'evt-a ' were one key.
  ['account_resources', 'resource_id', 'VARCHAR(100) NOT NULL', PAD_BIN],
  ['rate_limits', '`key`', 'VARCHAR(255) NOT NULL', PAD_BIN],
];

/**
 * MariaDB / MySQL (issue 12): every column of Handoff's tables that holds an identifier, a hash
 * or a code compares byte for byte, as on PostgreSQL. With the tables' utf8mb4_unicode_ci,
 * `Victim-x` and `victim-x`, `acc-e-x` and `acc-é-x`, `stra-ss-x` and `stra-ß-x` were one value;
 * and with utf8mb4_bin, a PAD SPACE collation, so were `pad-x` and `pad-x `. Hence a binary NO PAD
 * collation: MariaDB's utf8mb4_nopad_bin, MySQL 8's utf8mb4_0900_bin. Which columns stay
 * text: dialect-columns.ts (TEXT_COLUMNS). PostgreSQL compares bytes already: nothing to do.
 *
 * Safe on a table with rows: a finer comparison cannot make two rows collide. `down()` can fail
 * if rows that now differ only by case, accent or trailing spaces were written since.
 */
export class BinaryIdentifierCollations1795600302000 implements MigrationInterface {
  name = 'BinaryIdentifierCollations1795600302000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    const collation = await binaryCollationOf(queryRunner);
    if (collation) await modifyCollations(queryRunner, COLUMNS, () => collation);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    if (await binaryCollationOf(queryRunner)) await modifyCollations(queryRunner, COLUMNS, (column) => column[3]);
  }
}
