import type { MigrationInterface, QueryRunner } from 'typeorm';
import { runStatements } from '../dialect.js';

/**
 * `cross_app_sessions_archive`, where cleanup moves dead sessions (SPEC §7). The design documents
 * declare it `LIKE cross_app_sessions INCLUDING ALL` and then partition the live table, which
 * cannot work: a partitioned table's unique keys must contain the partition column, and the live
 * table's are `id` and `token_hash`. So the archive, not the live table, is the partitioned one:
 *
 * - the same columns, types and defaults as `cross_app_sessions`, but for `created_at`: the
 *   partition key, so NOT NULL and without a default (cleanup always copies it, and archives a
 *   NULL one, which Handoff never writes, as the row's `expires_at`);
 * - no foreign keys (an archive keeps history; `LIKE … INCLUDING ALL` copies none either) and no
 *   unique `token_hash` (impossible across partitions); the primary key is `(id, created_at)`, and
 *   ids stay unique because they come from the live table's sequence;
 * - PostgreSQL: range-partitioned by month on `created_at`. Partitions are created by
 *   `handoff partitions ensure`, and by cleanup and restore for the months they write: none exist
 *   after the migration alone;
 * - MariaDB / MySQL: the same table, not partitioned; retention deletes old rows in batches.
 */
export class CreateCrossAppSessionsArchive1795600100000 implements MigrationInterface {
  name = 'CreateCrossAppSessionsArchive1795600100000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await runStatements(queryRunner, {
      postgres: [
        `CREATE TABLE cross_app_sessions_archive (
          id INTEGER NOT NULL,
          token_hash VARCHAR(255) NOT NULL,
          user_id INTEGER NOT NULL,
          account_id INTEGER,
          expires_at TIMESTAMP NOT NULL,
          created_at TIMESTAMP NOT NULL,
          used_at TIMESTAMP,
          revoked_at TIMESTAMP,
          source_app VARCHAR(50) DEFAULT 'tuvens',
          target_app VARCHAR(50) DEFAULT 'hi-events',
          user_agent TEXT,
          ip_address INET,
          PRIMARY KEY (id, created_at)
        ) PARTITION BY RANGE (created_at)`,
        'CREATE INDEX idx_cross_app_sessions_archive_created_at ON cross_app_sessions_archive(created_at)',
        'CREATE INDEX idx_cross_app_sessions_archive_user_id ON cross_app_sessions_archive(user_id)',
      ],
      mysql: [
        `CREATE TABLE cross_app_sessions_archive (
          id INT NOT NULL,
          token_hash VARCHAR(255) NOT NULL,
          user_id INT NOT NULL,
          account_id INT NULL,
          expires_at DATETIME(6) NOT NULL,
          created_at DATETIME(6) NOT NULL,
          used_at DATETIME(6) NULL,
          revoked_at DATETIME(6) NULL,
          source_app VARCHAR(50) NULL DEFAULT 'tuvens',
          target_app VARCHAR(50) NULL DEFAULT 'hi-events',
          user_agent TEXT NULL,
          ip_address VARCHAR(45) NULL,
          PRIMARY KEY (id, created_at),
          KEY idx_cross_app_sessions_archive_created_at (created_at),
          KEY idx_cross_app_sessions_archive_user_id (user_id)
        ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
      ],
    });
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    // On PostgreSQL this drops the partitions with it.
    await queryRunner.query('DROP TABLE cross_app_sessions_archive');
  }
}
