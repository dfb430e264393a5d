import type { MigrationInterface, QueryRunner } from 'typeorm';
import { runStatements } from '../dialect.js';
import { referencesSql } from '../host-tables.js';

/**
 * Resources registered per account (`handoff resources add --account S --id R`): a permission
 * asked for a `resource_id` holds only if the resource belongs to the session's account.
 * MariaDB: resource ids compare byte for byte (utf8mb4_bin), as on PostgreSQL; with the default
 * case-insensitive collation `EVT-A` of one account would match `evt-a` of another.
 */
export class CreateAccountResources1795600004000 implements MigrationInterface {
  name = 'CreateAccountResources1795600004000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await runStatements(queryRunner, {
      postgres: [
        `CREATE TABLE account_resources (
          account_id INTEGER NOT NULL,
          resource_id VARCHAR(100) NOT NULL,
          created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
          PRIMARY KEY (account_id, resource_id),
          CONSTRAINT fk_account_resources_account_id
            FOREIGN KEY (account_id) ${referencesSql('postgres', 'accounts')} ON DELETE CASCADE
        )`,
      ],
      mysql: [
        `CREATE TABLE account_resources (
          account_id INT NOT NULL,
          resource_id VARCHAR(100) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
          created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
          PRIMARY KEY (account_id, resource_id),
          CONSTRAINT fk_account_resources_account_id
            FOREIGN KEY (account_id) ${referencesSql('mysql', 'accounts')} ON DELETE CASCADE ON UPDATE NO ACTION
        ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
      ],
    });
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE account_resources');
  }
}
