import type { MigrationInterface, QueryRunner } from 'typeorm';
import { binaryCollationOf, type CollatedColumn, modifyCollations } from '../binary-collation.js';

const COLUMNS: readonly CollatedColumn[] = [
  ['users', 'external_issuer', 'VARCHAR(255) NULL', 'utf8mb4_unicode_ci'],
  ['users', 'external_subject', 'VARCHAR(255) NULL', 'utf8mb4_unicode_ci'],
  ['accounts', 'slug', 'VARCHAR(100) NOT NULL', 'utf8mb4_unicode_ci'],
  ['account_members', 'role', 'VARCHAR(50) NOT NULL', 'utf8mb4_unicode_ci'],
];

/**
 * 1795600302000 for the standalone directory tables: an external user's (issuer, subject) and
 * its tombstone compare byte for byte, or a token for `victim-x` signs in as `Victim-x` (issue 12).
 * Separate so that an embedding host, whose own tables these are not, can leave it out.
 */
export class BinaryDirectoryCollations1795600303000 implements MigrationInterface {
  name = 'BinaryDirectoryCollations1795600303000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    const collation = await binaryCollationOf(queryRunner);
    if (collation) await modifyCollations(queryRunner, COLUMNS, () => collation);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    if (await binaryCollationOf(queryRunner)) await modifyCollations(queryRunner, COLUMNS, (column) => column[3]);
  }
}
