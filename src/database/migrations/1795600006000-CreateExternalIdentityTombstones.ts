import type { MigrationInterface, QueryRunner } from 'typeorm';
import { runStatements } from '../dialect.js';

/**
 * The external identities (issuer, subject) of deleted users. An external issuer's JWT would
 * otherwise create the user again on its next request; a tombstone makes the deletion stick.
 */
export class CreateExternalIdentityTombstones1795600006000 implements MigrationInterface {
  name = 'CreateExternalIdentityTombstones1795600006000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await runStatements(queryRunner, {
      postgres: [
        `CREATE TABLE external_identity_tombstones (
          external_issuer VARCHAR(255) NOT NULL,
          external_subject VARCHAR(255) NOT NULL,
          deleted_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
          PRIMARY KEY (external_issuer, external_subject)
        )`,
      ],
      mysql: [
        `CREATE TABLE external_identity_tombstones (
          external_issuer VARCHAR(255) NOT NULL,
          external_subject VARCHAR(255) NOT NULL,
          deleted_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
          PRIMARY KEY (external_issuer, external_subject)
        ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
      ],
    });
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE external_identity_tombstones');
  }
}
