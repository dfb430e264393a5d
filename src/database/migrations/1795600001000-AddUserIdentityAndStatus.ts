import type { MigrationInterface, QueryRunner } from 'typeorm';
import { runStatements } from '../dialect.js';

/**
 * Users provisioned from an external issuer's JWT are known by (issuer, subject); `disabled_at`
 * disables a user without deleting its history. Existing users keep NULLs: local and enabled.
 */
export class AddUserIdentityAndStatus1795600001000 implements MigrationInterface {
  name = 'AddUserIdentityAndStatus1795600001000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await runStatements(queryRunner, {
      postgres: [
        'ALTER TABLE users ADD COLUMN disabled_at TIMESTAMP NULL',
        'ALTER TABLE users ADD COLUMN external_issuer VARCHAR(255) NULL',
        'ALTER TABLE users ADD COLUMN external_subject VARCHAR(255) NULL',
        `ALTER TABLE users ADD CONSTRAINT uq_users_external_identity
          UNIQUE (external_issuer, external_subject)`,
      ],
      mysql: [
        `ALTER TABLE users
          ADD COLUMN disabled_at DATETIME(6) NULL,
          ADD COLUMN external_issuer VARCHAR(255) NULL,
          ADD COLUMN external_subject VARCHAR(255) NULL,
          ADD CONSTRAINT uq_users_external_identity UNIQUE (external_issuer, external_subject)`,
      ],
    });
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await runStatements(queryRunner, {
      postgres: [
        'ALTER TABLE users DROP CONSTRAINT uq_users_external_identity',
        'ALTER TABLE users DROP COLUMN external_subject',
        'ALTER TABLE users DROP COLUMN external_issuer',
        'ALTER TABLE users DROP COLUMN disabled_at',
      ],
      mysql: [
        `ALTER TABLE users
          DROP INDEX uq_users_external_identity,
          DROP COLUMN external_subject,
          DROP COLUMN external_issuer,
          DROP COLUMN disabled_at`,
      ],
    });
  }
}
