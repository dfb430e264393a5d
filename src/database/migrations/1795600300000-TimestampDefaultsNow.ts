import type { MigrationInterface, QueryRunner } from 'typeorm';
import { runStatements } from '../dialect.js';

/** Handoff's own tables' `DEFAULT CURRENT_TIMESTAMP` columns (the directory's are in 1795600301000). */
export const HANDOFF_TIMESTAMP_DEFAULTS = [
  ['auth_user_tokens', 'created_at'],
  ['auth_user_tokens', 'updated_at'],
  ['cross_app_sessions', 'created_at'],
  ['auth_sessions', 'created_at'],
  ['target_apps', 'created_at'],
  ['target_app_secrets', 'created_at'],
  ['signing_keys', 'created_at'],
  ['account_resources', 'created_at'],
  ['external_identity_tombstones', 'deleted_at'],
] as const;

/**
 * PostgreSQL: `DEFAULT CURRENT_TIMESTAMP` becomes `DEFAULT now()`, the same function
 * (transaction_timestamp(), PostgreSQL manual §9.9.5) under the name TypeORM compares with.
 * TypeORM reads the catalogue's `CURRENT_TIMESTAMP` verbatim but turns an entity's
 * CURRENT_TIMESTAMP into `now()`, so its schema diff (a host's `migration:generate`, `schema:log`)
 * would otherwise propose to reset every such default forever (typeorm/typeorm#6579).
 * Values and behaviour are unchanged. MariaDB / MySQL: nothing to do.
 */
export class TimestampDefaultsNow1795600300000 implements MigrationInterface {
  name = 'TimestampDefaultsNow1795600300000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await runStatements(queryRunner, { postgres: setDefaults(HANDOFF_TIMESTAMP_DEFAULTS, 'now()'), mysql: [] });
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await runStatements(queryRunner, {
      postgres: setDefaults(HANDOFF_TIMESTAMP_DEFAULTS, 'CURRENT_TIMESTAMP'),
      mysql: [],
    });
  }
}

export function setDefaults(columns: ReadonlyArray<readonly [string, string]>, value: string): string[] {
  return columns.map(([table, column]) => `ALTER TABLE ${table} ALTER COLUMN ${column} SET DEFAULT ${value}`);
}
