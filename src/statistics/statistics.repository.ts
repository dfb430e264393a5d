import { DataSource } from 'typeorm';
import { Injectable } from '../common/injection.js';
import { driverCodeOf } from '../database/database-errors.js';
import { DATA_TABLES, OPERATIONAL_TABLES } from '../database/handoff-tables.js';
import { dialectOf, forDialect, nowSql, placeholder, type SqlDialect } from '../database/dialect.js';
import { execute } from '../database/sql.js';

export interface DailyCountsRow {
  readonly day: string;
  readonly created: number;
  readonly used: number;
  readonly revoked: number;
  readonly expired: number;
}

type Raw = Record<string, unknown>;

const ACCESS_DENIED = new Set(['ER_TABLEACCESS_DENIED_ERROR', 'ER_DBACCESS_DENIED_ERROR', 'ER_SPECIFIC_ACCESS_DENIED_ERROR']);

const TABLES = [...DATA_TABLES, ...OPERATIONAL_TABLES];
/** The archive's partitions are tables of their own in PostgreSQL's statistics. */
const PARTITIONS_PATTERN = 'cross\\_app\\_sessions\\_archive\\_%';

/** The SQL of statistics and monitoring: read-only. */
@Injectable()
export class StatisticsRepository {
  constructor(private readonly dataSource: DataSource) {}

  private get dialect(): SqlDialect {
    return dialectOf(this.dataSource);
  }

  /**
   * Sessions created since `since`, per UTC day: created, used, revoked, and expired without
   * being used or revoked. From the live table and the archive together, so that cleanup moving
   * rows between them changes no figure (the design documents counted the live table only, which
   * their own cleanup emptied of the rows it counted).
   */
  async dailyCounts(since: Date): Promise<DailyCountsRow[]> {
    const day = forDialect(this.dialect, {
      postgres: "to_char(created_at, 'YYYY-MM-DD')",
      mysql: "DATE_FORMAT(created_at, '%Y-%m-%d')",
    });
    const counts = (table: string, index: number) => `
      SELECT ${day} AS day, COUNT(*) AS created, COUNT(used_at) AS used, COUNT(revoked_at) AS revoked,
             SUM(CASE WHEN used_at IS NULL AND revoked_at IS NULL AND expires_at <= ${nowSql(this.dialect)} THEN 1 ELSE 0 END) AS expired
      FROM ${table} WHERE created_at >= ${placeholder(this.dialect, index)} GROUP BY ${day}`;
    const { rows } = await execute<Raw>(
      this.dataSource,
      `SELECT day, SUM(created) AS created, SUM(used) AS used, SUM(revoked) AS revoked, SUM(expired) AS expired
       FROM (${counts('cross_app_sessions', 1)} UNION ALL ${counts('cross_app_sessions_archive', 2)}) t
       GROUP BY day`,
      [since, since],
    );
    return rows.map((row) => ({
      day: String(row.day),
      created: Number(row.created),
      used: Number(row.used),
      revoked: Number(row.revoked),
      expired: Number(row.expired),
    }));
  }

  /** The design documents' `pg_stat_user_tables` query, for every Handoff table. */
  async tableStats(): Promise<Raw[]> {
    if (this.dialect === 'postgres') {
      const { rows } = await execute<Raw>(
        this.dataSource,
        `SELECT relname AS table, n_tup_ins AS inserts, n_tup_upd AS updates, n_tup_del AS deletes,
                n_live_tup AS live_tuples, n_dead_tup AS dead_tuples, last_vacuum, last_autovacuum,
                last_analyze, last_autoanalyze, pg_total_relation_size(relid) AS total_bytes
         FROM pg_stat_user_tables
         WHERE schemaname = current_schema() AND (relname = ANY($1) OR relname LIKE $2)
         ORDER BY relname`,
        [TABLES, PARTITIONS_PATTERN],
      );
      return rows;
    }
    return this.withOptionalSources(
      // information_schema answers for any user; performance_schema (row operations, when the
      // server runs it) and InnoDB's persistent statistics (last ANALYZE) need their privileges.
      `SELECT t.TABLE_NAME AS \`table\`, io.COUNT_INSERT AS inserts, io.COUNT_UPDATE AS updates,
              io.COUNT_DELETE AS deletes, t.TABLE_ROWS AS live_tuples, NULL AS dead_tuples,
              NULL AS last_vacuum, NULL AS last_autovacuum, s.last_update AS last_analyze,
              NULL AS last_autoanalyze, t.DATA_LENGTH + t.INDEX_LENGTH AS total_bytes
       FROM information_schema.TABLES t
       LEFT JOIN performance_schema.table_io_waits_summary_by_table io
         ON io.OBJECT_SCHEMA = t.TABLE_SCHEMA AND io.OBJECT_NAME = t.TABLE_NAME
       LEFT JOIN mysql.innodb_table_stats s ON s.database_name = t.TABLE_SCHEMA AND s.table_name = t.TABLE_NAME
       WHERE t.TABLE_SCHEMA = DATABASE() AND t.TABLE_NAME IN (?) ORDER BY t.TABLE_NAME`,
      `SELECT TABLE_NAME AS \`table\`, NULL AS inserts, NULL AS updates, NULL AS deletes, TABLE_ROWS AS live_tuples,
              NULL AS dead_tuples, NULL AS last_vacuum, NULL AS last_autovacuum, NULL AS last_analyze,
              NULL AS last_autoanalyze, DATA_LENGTH + INDEX_LENGTH AS total_bytes
       FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME IN (?) ORDER BY TABLE_NAME`,
    );
  }

  /** The design documents' `pg_stat_user_indexes` query, for every Handoff table. */
  async indexStats(): Promise<Raw[]> {
    if (this.dialect === 'postgres') {
      const { rows } = await execute<Raw>(
        this.dataSource,
        `SELECT relname AS table, indexrelname AS index, idx_scan AS scans, idx_tup_read AS reads,
                idx_tup_fetch AS fetches, pg_relation_size(indexrelid) AS size_bytes
         FROM pg_stat_user_indexes
         WHERE schemaname = current_schema() AND (relname = ANY($1) OR relname LIKE $2)
         ORDER BY relname, indexrelname`,
        [TABLES, PARTITIONS_PATTERN],
      );
      return rows;
    }
    const indexes = `SELECT DISTINCT TABLE_NAME, INDEX_NAME FROM information_schema.STATISTICS
                     WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME IN (?)`;
    return this.withOptionalSources(
      `SELECT i.TABLE_NAME AS \`table\`, i.INDEX_NAME AS \`index\`, NULL AS scans, io.COUNT_READ AS \`reads\`,
              io.COUNT_FETCH AS fetches, st.stat_value * @@innodb_page_size AS size_bytes
       FROM (${indexes}) i
       LEFT JOIN performance_schema.table_io_waits_summary_by_index_usage io
         ON io.OBJECT_SCHEMA = DATABASE() AND io.OBJECT_NAME = i.TABLE_NAME AND io.INDEX_NAME = i.INDEX_NAME
       LEFT JOIN mysql.innodb_index_stats st ON st.database_name = DATABASE() AND st.table_name = i.TABLE_NAME
         AND st.index_name = i.INDEX_NAME AND st.stat_name = 'size'
       ORDER BY i.TABLE_NAME, i.INDEX_NAME`,
      `SELECT TABLE_NAME AS \`table\`, INDEX_NAME AS \`index\`, NULL AS scans, NULL AS \`reads\`, NULL AS fetches,
              NULL AS size_bytes
       FROM (${indexes}) i ORDER BY TABLE_NAME, INDEX_NAME`,
    );
  }

  /** MySQL: the query with its optional sources, or without them when access to them is denied. */
  private async withOptionalSources(full: string, plain: string): Promise<Raw[]> {
    try {
      return (await execute<Raw>(this.dataSource, full, [TABLES])).rows;
    } catch (error) {
      if (!ACCESS_DENIED.has(driverCodeOf(error))) throw error;
      return (await execute<Raw>(this.dataSource, plain, [TABLES])).rows;
    }
  }
}
