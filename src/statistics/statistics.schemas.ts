import { z } from 'zod';

export const StatsQuerySchema = z.strictObject({
  days: z.coerce.number().int().min(1).max(366).default(7),
});
export type StatsQueryDto = z.infer<typeof StatsQuerySchema>;

export const DailyStatsSchema = z.object({
  /** UTC day, `YYYY-MM-DD`. */
  date: z.string(),
  created: z.number().int(),
  used: z.number().int(),
  revoked: z.number().int(),
  /** Expired without being used or revoked. */
  expired: z.number().int(),
});
export type DailyStatsDto = z.infer<typeof DailyStatsSchema>;

export const StatsSchema = z.object({ days: z.array(DailyStatsSchema) });
export type StatsDto = z.infer<typeof StatsSchema>;

const count = z.number().nullable();
const time = z.string().nullable();

export const TableStatsSchema = z.object({
  table: z.string(),
  inserts: count,
  updates: count,
  deletes: count,
  live_tuples: count,
  dead_tuples: count,
  last_vacuum: time,
  last_autovacuum: time,
  last_analyze: time,
  last_autoanalyze: time,
  total_bytes: count,
});
export type TableStatsDto = z.infer<typeof TableStatsSchema>;

export const IndexStatsSchema = z.object({
  table: z.string(),
  index: z.string(),
  scans: count,
  reads: count,
  fetches: count,
  size_bytes: count,
});
export type IndexStatsDto = z.infer<typeof IndexStatsSchema>;

export const MonitorSchema = z.object({
  database: z.enum(['postgres', 'mysql']),
  tables: z.array(TableStatsSchema),
  indexes: z.array(IndexStatsSchema),
});
export type MonitorDto = z.infer<typeof MonitorSchema>;
