import type { Command } from 'commander';
import { StatsQuerySchema } from '../../statistics/statistics.schemas.js';
import type { StatisticsService } from '../../statistics/statistics.service.js';
import { out, parseOption, withServices } from '../cli-context.js';

/** Loaded when a command runs: `--help` and other commands do without it. */
const loadStatisticsService = async (): Promise<typeof StatisticsService> => (await import('../../statistics/statistics.service.js')).StatisticsService;

export function registerStatisticsCommands(program: Command): void {
  program
    .command('stats')
    .description('cross-app sessions per day (live and archived): created, used, revoked, expired')
    .option('--days <n>', 'how many days, today included (up to 366)', '7')
    .option('--json', 'print JSON')
    .action(async (options: { days: string; json?: boolean }) => {
      const count = parseOption('--days', StatsQuerySchema.shape.days, options.days);
      const stats = await withServices(async (services) => services.get(await loadStatisticsService()).daily(count));
      if (!options.json) out.info('date\tcreated\tused\trevoked\texpired');
      out.table(options.json, stats, () => stats.days.map((day) => [day.date, day.created, day.used, day.revoked, day.expired].join('\t')));
    });

  program
    .command('monitor')
    .description("the database's table and index statistics for Handoff's tables")
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      const report = await withServices(async (services) => services.get(await loadStatisticsService()).monitor());
      if (options.json) {
        out.data(JSON.stringify(report));
        return;
      }
      const cell = (value: string | number | null) => (value === null ? '-' : String(value));
      out.info('table\tinserts\tupdates\tdeletes\tlive\tdead\tlast_vacuum\tlast_autovacuum\tlast_analyze\tlast_autoanalyze\tbytes');
      for (const t of report.tables) {
        out.data([t.table, t.inserts, t.updates, t.deletes, t.live_tuples, t.dead_tuples, t.last_vacuum, t.last_autovacuum, t.last_analyze, t.last_autoanalyze, t.total_bytes].map(cell).join('\t'));
      }
      out.info('table\tindex\tscans\treads\tfetches\tbytes');
      for (const i of report.indexes) out.data([i.table, i.index, i.scans, i.reads, i.fetches, i.size_bytes].map(cell).join('\t'));
    });
}
