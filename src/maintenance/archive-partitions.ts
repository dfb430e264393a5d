/** Monthly range partitions of `cross_app_sessions_archive` (PostgreSQL), by UTC month. */
export const ARCHIVE_TABLE = 'cross_app_sessions_archive';

export interface MonthRange {
  /** First instant of the month (inclusive). */
  readonly from: Date;
  /** First instant of the next month (exclusive). */
  readonly to: Date;
}

export interface ArchivePartition extends MonthRange {
  readonly name: string;
}

export function monthOf(date: Date): MonthRange {
  const from = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1));
  return { from, to: new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1)) };
}

/** The months from `first`'s to `last`'s, both included, oldest first. */
export function monthsBetween(first: Date, last: Date): MonthRange[] {
  const months: MonthRange[] = [];
  for (let month = monthOf(first); month.from <= last; month = monthOf(month.to)) months.push(month);
  return months;
}

/** `cross_app_sessions_archive_2025_01`, as the design documents name their monthly partitions. */
export function partitionName(month: MonthRange): string {
  const year = month.from.getUTCFullYear();
  const number = String(month.from.getUTCMonth() + 1).padStart(2, '0');
  return `${ARCHIVE_TABLE}_${year}_${number}`;
}

/** A timestamp literal for partition bounds, in the columns' UTC wall time. */
export function boundLiteral(date: Date): string {
  return date.toISOString().replace('T', ' ').replace('Z', '');
}

/**
 * The range of a partition from PostgreSQL's `pg_get_expr(relpartbound)`, e.g.
 * `FOR VALUES FROM ('2025-01-01 00:00:00') TO ('2025-02-01 00:00:00')`; undefined for any other
 * kind of bound (a DEFAULT partition someone added by hand).
 */
export function parsePartitionBound(bound: string): MonthRange | undefined {
  const match = /^FOR VALUES FROM \('([^']+)'\) TO \('([^']+)'\)$/.exec(bound.trim());
  if (!match) return undefined;
  const parse = (literal: string) => new Date(`${literal.replace(' ', 'T')}Z`);
  const from = parse(match[1]!);
  const to = parse(match[2]!);
  return Number.isNaN(from.getTime()) || Number.isNaN(to.getTime()) ? undefined : { from, to };
}

/** True if `month` lies entirely inside one of `partitions`. */
export function isCovered(month: MonthRange, partitions: readonly MonthRange[]): boolean {
  return partitions.some((partition) => partition.from <= month.from && partition.to >= month.to);
}
