import type { MigrationInterface, QueryRunner } from 'typeorm';
import { runStatements } from '../dialect.js';

/**
 * The counters of the rate limits, shared by every instance on the database. The layout is the
 * one rate-limiter-flexible's PostgreSQL and MySQL stores expect (`expire` in epoch milliseconds);
 * the table is created here rather than by the library so that migrations own the whole schema.
 * MariaDB: keys compare byte for byte (utf8mb4_bin), as on PostgreSQL.
 */
export class CreateRateLimits1795600005000 implements MigrationInterface {
  name = 'CreateRateLimits1795600005000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await runStatements(queryRunner, {
      postgres: [
        `CREATE TABLE rate_limits (
          key VARCHAR(255) PRIMARY KEY,
          points INTEGER NOT NULL DEFAULT 0,
          expire BIGINT
        )`,
      ],
      mysql: [
        `CREATE TABLE rate_limits (
          \`key\` VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
          points INT NOT NULL DEFAULT 0,
          expire BIGINT UNSIGNED,
          PRIMARY KEY (\`key\`)
        ) ENGINE=InnoDB`,
      ],
    });
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE rate_limits');
  }
}
