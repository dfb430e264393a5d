import type { Command } from 'commander';
import { StatsQuerySchema } from '../../statistics/statistics.schemas.js';
import { out, parseOption, withServices } from '../cli-context.js';
import { alignedTable, bar, formatBytes } from '../table.js';

export function registerStatisticsCommands(program: Command): void {
  program
    .command('stats')
    .description('cross-app sessions per day (live and archived): created, used, revoked, expired')
    .option('--days <n>', 'how many days, today included (up to 366)', '7')
    .option('--json', 'print JSON')
    .action(async (options: { days: string; json?: boolean }) => {
      const count = parseOption('--days', StatsQuerySchema.shape.days, options.days);
      const stats = await withServices(async (services) => (await services.statistics()).daily(count));
      if (!options.json && process.stdout.isTTY) {
        // At a terminal: aligned columns and a bar of the sessions created each day.
        const max = Math.max(...stats.days.map((day) => day.created));
        const rows = stats.days.map((day) => [day.date, ...[day.created, day.used, day.revoked, day.expired].map(String), bar(day.created, max)]);
        for (const line of alignedTable(['date', 'created', 'used', 'revoked', 'expired', ''], rows, [false, true, true, true, true])) out.data(line);
        return;
      }
      if (!options.json) out.info('date\tcreated\tused\trevoked\texpired');
      out.table(options.json, stats, () => stats.days.map((day) => [day.date, day.created, day.used, day.revoked, day.expired].join('\t')));
    });

  program
    .command('monitor')
    .description("the database's table and index statistics for Handoff's tables")
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      const report = await withServices(async (services) => (await services.statistics()).monitor());
      if (options.json) {
        out.data(JSON.stringify(report));
        return;
      }
      const cell = (value: string | number | null) => (value === null ? '-' : String(value));
      // Sizes as a person reads them (`--json` keeps bytes); aligned at a terminal, TSV for scripts.
      const tables = report.tables.map((t) =>
        [t.table, t.inserts, t.updates, t.deletes, t.live_tuples, t.dead_tuples, t.last_vacuum, t.last_autovacuum, t.last_analyze, t.last_autoanalyze].map(cell).concat(formatBytes(t.total_bytes)),
      );
      const indexes = report.indexes.map((i) => [i.table, i.index, i.scans, i.reads, i.fetches].map(cell).concat(formatBytes(i.size_bytes)));
      const tableHeader = ['table', 'inserts', 'updates', 'deletes', 'live', 'dead', 'last_vacuum', 'last_autovacuum', 'last_analyze', 'last_autoanalyze', 'size'];
      const indexHeader = ['table', 'index', 'scans', 'reads', 'fetches', 'size'];
      if (process.stdout.isTTY) {
        for (const line of alignedTable(tableHeader, tables, [false, true, true, true, true, true, false, false, false, false, true])) out.data(line);
        out.data('');
        for (const line of alignedTable(indexHeader, indexes, [false, false, true, true, true, true])) out.data(line);
        return;
      }
      out.info(tableHeader.join('\t'));
      for (const row of tables) out.data(row.join('\t'));
      out.info(indexHeader.join('\t'));
      for (const row of indexes) out.data(row.join('\t'));
    });
}
