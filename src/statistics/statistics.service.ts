import { DataSource } from 'typeorm';
import { Injectable } from '../common/injection.js';
import { dialectOf } from '../database/dialect.js';
import type { DailyStatsDto, IndexStatsDto, MonitorDto, StatsDto, TableStatsDto } from './statistics.schemas.js';
import { StatisticsRepository } from './statistics.repository.js';

const DAY_MS = 86_400_000;

/** SPEC §7: session statistics per day, and the database's table and index statistics. */
@Injectable()
export class StatisticsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly statistics: StatisticsRepository,
  ) {}

  /** The last `days` UTC days, today first, every day listed (zeros included). */
  async daily(days: number, now: Date = new Date()): Promise<StatsDto> {
    const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
    const since = new Date(today - (days - 1) * DAY_MS);
    const byDay = new Map((await this.statistics.dailyCounts(since)).map((row) => [row.day, row]));
    const list: DailyStatsDto[] = [];
    for (let index = 0; index < days; index++) {
      const date = new Date(today - index * DAY_MS).toISOString().slice(0, 10);
      const row = byDay.get(date);
      list.push({ date, created: row?.created ?? 0, used: row?.used ?? 0, revoked: row?.revoked ?? 0, expired: row?.expired ?? 0 });
    }
    return { days: list };
  }

  /**
   * Table and index statistics: PostgreSQL's pg_stat_user_tables / pg_stat_user_indexes; on
   * MySQL their nearest equivalents, null where it has none (dead tuples, vacuums).
   */
  async monitor(): Promise<MonitorDto> {
    const [tables, indexes] = await Promise.all([this.statistics.tableStats(), this.statistics.indexStats()]);
    return {
      database: dialectOf(this.dataSource),
      tables: tables.map(
        (row): TableStatsDto => ({
          table: String(row.table),
          inserts: count(row.inserts),
          updates: count(row.updates),
          deletes: count(row.deletes),
          live_tuples: count(row.live_tuples),
          dead_tuples: count(row.dead_tuples),
          last_vacuum: time(row.last_vacuum),
          last_autovacuum: time(row.last_autovacuum),
          last_analyze: time(row.last_analyze),
          last_autoanalyze: time(row.last_autoanalyze),
          total_bytes: count(row.total_bytes),
        }),
      ),
      indexes: indexes.map(
        (row): IndexStatsDto => ({
          table: String(row.table),
          index: String(row.index),
          scans: count(row.scans),
          reads: count(row.reads),
          fetches: count(row.fetches),
          size_bytes: count(row.size_bytes),
        }),
      ),
    };
  }
}

/** PostgreSQL's bigint counters arrive as strings. */
function count(value: unknown): number | null {
  return value === null || value === undefined ? null : Number(value);
}

function time(value: unknown): string | null {
  return value === null || value === undefined ? null : new Date(value as string | Date).toISOString();
}
