import type { MigrationInterface, QueryRunner } from 'typeorm';
import { runStatements } from '../dialect.js';

/**
 * Target apps (the backends that trade handoff tokens) and their shared secrets, stored as
 * SHA-256. Secrets are a table of their own so that an app can hold two active ones during a
 * rotation; `retired_at` ends one without deleting its history.
 */
export class CreateTargetApps1795600000000 implements MigrationInterface {
  name = 'CreateTargetApps1795600000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await runStatements(queryRunner, {
      postgres: [
        `CREATE TABLE target_apps (
          id SERIAL PRIMARY KEY,
          name VARCHAR(50) NOT NULL,
          allowed_origins TEXT NOT NULL,
          created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
          CONSTRAINT uq_target_apps_name UNIQUE (name)
        )`,
        `CREATE TABLE target_app_secrets (
          id SERIAL PRIMARY KEY,
          target_app_id INTEGER NOT NULL,
          secret_hash CHAR(64) NOT NULL,
          created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
          retired_at TIMESTAMP,
          CONSTRAINT uq_target_app_secrets_secret_hash UNIQUE (secret_hash),
          CONSTRAINT fk_target_app_secrets_target_app_id
            FOREIGN KEY (target_app_id) REFERENCES target_apps(id) ON DELETE CASCADE
        )`,
        'CREATE INDEX idx_target_app_secrets_target_app_id ON target_app_secrets(target_app_id)',
      ],
      mysql: [
        `CREATE TABLE target_apps (
          id INT AUTO_INCREMENT PRIMARY KEY,
          name VARCHAR(50) NOT NULL,
          allowed_origins TEXT NOT NULL,
          created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
          CONSTRAINT uq_target_apps_name UNIQUE (name)
        ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
        `CREATE TABLE target_app_secrets (
          id INT AUTO_INCREMENT PRIMARY KEY,
          target_app_id INT NOT NULL,
          secret_hash CHAR(64) NOT NULL,
          created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
          retired_at DATETIME(6) NULL,
          CONSTRAINT uq_target_app_secrets_secret_hash UNIQUE (secret_hash),
          KEY idx_target_app_secrets_target_app_id (target_app_id),
          CONSTRAINT fk_target_app_secrets_target_app_id
            FOREIGN KEY (target_app_id) REFERENCES target_apps(id) ON DELETE CASCADE ON UPDATE NO ACTION
        ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
      ],
    });
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE target_app_secrets');
    await queryRunner.query('DROP TABLE target_apps');
  }
}
