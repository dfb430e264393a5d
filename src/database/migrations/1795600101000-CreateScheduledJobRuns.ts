import type { MigrationInterface, QueryRunner } from 'typeorm';
import { runStatements } from '../dialect.js';

/**
 * The last run of each scheduled job (cleanup, partitions, prune): one row per job, claimed for a
 * period by one conditional UPDATE, so that of several instances exactly one runs each period.
 */
export class CreateScheduledJobRuns1795600101000 implements MigrationInterface {
  name = 'CreateScheduledJobRuns1795600101000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await runStatements(queryRunner, {
      postgres: [
        `CREATE TABLE scheduled_job_runs (
          job VARCHAR(50) PRIMARY KEY,
          period_start TIMESTAMP NOT NULL,
          instance VARCHAR(100) NOT NULL,
          started_at TIMESTAMP NOT NULL,
          finished_at TIMESTAMP NULL,
          outcome VARCHAR(16) NULL,
          summary TEXT NULL
        )`,
      ],
      mysql: [
        `CREATE TABLE scheduled_job_runs (
          job VARCHAR(50) NOT NULL PRIMARY KEY,
          period_start DATETIME(6) NOT NULL,
          instance VARCHAR(100) NOT NULL,
          started_at DATETIME(6) NOT NULL,
          finished_at DATETIME(6) NULL,
          outcome VARCHAR(16) NULL,
          summary TEXT NULL
        ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
      ],
    });
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE scheduled_job_runs');
  }
}
