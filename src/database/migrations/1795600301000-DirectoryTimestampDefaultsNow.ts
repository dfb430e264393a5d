import type { MigrationInterface, QueryRunner } from 'typeorm';
import { runStatements } from '../dialect.js';
import { setDefaults } from './1795600300000-TimestampDefaultsNow.js';

const DIRECTORY_TIMESTAMP_DEFAULTS = [
  ['users', 'created_at'],
  ['accounts', 'created_at'],
  ['account_members', 'created_at'],
] as const;

/**
 * 1795600300000 for the standalone directory tables (users, accounts, account_members): a
 * separate migration so that an embedding host, whose own tables these are not, can leave it out
 * with the migrations that create them.
 */
export class DirectoryTimestampDefaultsNow1795600301000 implements MigrationInterface {
  name = 'DirectoryTimestampDefaultsNow1795600301000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await runStatements(queryRunner, { postgres: setDefaults(DIRECTORY_TIMESTAMP_DEFAULTS, 'now()'), mysql: [] });
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await runStatements(queryRunner, {
      postgres: setDefaults(DIRECTORY_TIMESTAMP_DEFAULTS, 'CURRENT_TIMESTAMP'),
      mysql: [],
    });
  }
}
