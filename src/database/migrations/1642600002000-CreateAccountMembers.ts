import type { MigrationInterface, QueryRunner } from 'typeorm';
import { runStatements } from '../dialect.js';
import { referencesSql } from '../host-tables.js';

/**
 * A user's role in an account. Roles are names; configuration maps them to permissions, so no
 * roles table. Standalone mode only.
 */
export class CreateAccountMembers1642600002000 implements MigrationInterface {
  name = 'CreateAccountMembers1642600002000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await runStatements(queryRunner, {
      postgres: [
        `CREATE TABLE account_members (
          account_id INTEGER NOT NULL,
          user_id INTEGER NOT NULL,
          role VARCHAR(50) NOT NULL,
          created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
          PRIMARY KEY (account_id, user_id),
          CONSTRAINT fk_account_members_account_id
            FOREIGN KEY (account_id) ${referencesSql('postgres', 'accounts')} ON DELETE CASCADE,
          CONSTRAINT fk_account_members_user_id
            FOREIGN KEY (user_id) ${referencesSql('postgres', 'users')} ON DELETE CASCADE
        )`,
        'CREATE INDEX idx_account_members_user_id ON account_members(user_id)',
      ],
      mysql: [
        `CREATE TABLE account_members (
          account_id INT NOT NULL,
          user_id INT NOT NULL,
          role VARCHAR(50) NOT NULL,
          created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
          PRIMARY KEY (account_id, user_id),
          KEY idx_account_members_user_id (user_id),
          CONSTRAINT fk_account_members_account_id
            FOREIGN KEY (account_id) ${referencesSql('mysql', 'accounts')} ON DELETE CASCADE ON UPDATE NO ACTION,
          CONSTRAINT fk_account_members_user_id
            FOREIGN KEY (user_id) ${referencesSql('mysql', 'users')} ON DELETE CASCADE ON UPDATE NO ACTION
        ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
      ],
    });
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE account_members');
  }
}
