import { type Command, InvalidArgumentError } from 'commander';
import type { PartitionsResultDto, PruneResultDto } from '../../maintenance/maintenance.schemas.js';
import { parseDuration } from '../../maintenance/durations.js';
import { CliError, out, withServices } from '../cli-context.js';
import { parsePositiveInteger as positiveInteger } from './migrate.command.js';
import { progressReporter } from '../progress.js';

const DAY_SECONDS = 86_400;

export function registerMaintenanceCommands(program: Command): void {
  program
    .command('cleanup')
    .description('move sessions expired or revoked more than the grace period ago into the archive; delete finished QR login requests')
    .option('--grace <duration>', 'grace period, e.g. 1h, 30m (default HANDOFF_CLEANUP_GRACE)', durationOption)
    .option('--batch-size <n>', 'rows per transaction (default HANDOFF_CLEANUP_BATCH_SIZE)', positiveInteger)
    .option('--json', 'print the result as JSON')
    .action(async (options: { grace?: number; batchSize?: number; json?: boolean }) => {
      const progress = progressReporter();
      const result = await withServices(async (services) =>
        (await services.maintenance()).cleanup({ graceSeconds: options.grace, batchSize: options.batchSize, onProgress: progress.listener }),
      ).finally(() => progress.stop());
      if (options.json) out.data(JSON.stringify(result));
      out.info(
        `moved ${result.archived} session(s) to the archive and deleted ${result.authSessionsDeleted} finished QR login request(s) ` +
          `in ${(result.durationMs / 1000).toFixed(1)} s (${result.batches} batches, longest ${result.longestBatchMs} ms)`,
      );
    });

  pruneCommand(
    program.command('archive').description('the archive of cleaned-up sessions'),
    'drop archived sessions older than the retention (whole monthly partitions on PostgreSQL)',
  );

  const partitions = program.command('partitions').description("the archive's monthly partitions (PostgreSQL)");
  partitions
    .command('ensure')
    .description("create the current and next months' partitions")
    .option('--json', 'print the result as JSON')
    .action(async (options: { json?: boolean }) => {
      const result = await withServices(async (services) => (await services.maintenance()).ensurePartitions());
      printPartitions(result, options.json);
      if (result.partitioned) out.info(result.created.length > 0 ? `created ${result.created.join(', ')}` : 'every partition was there already');
    });
  partitions
    .command('list')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      printPartitions(await withServices(async (services) => (await services.maintenance()).listPartitions()), options.json);
    });
  pruneCommand(partitions, 'drop the partitions older than the retention (the same as `archive prune`)');
}

function pruneCommand(parent: Command, description: string): void {
  parent
    .command('prune')
    .description(description)
    .option('--older-than <days>', 'whole days or weeks, at least 1d: e.g. 90d (default HANDOFF_ARCHIVE_RETENTION_DAYS)', retentionOption)
    .option('--json', 'print the result as JSON')
    .action(prune);
}

async function prune(options: { olderThan?: number; json?: boolean }): Promise<void> {
  const result: PruneResultDto = await withServices(async (services) => (await services.maintenance()).pruneArchive(options.olderThan));
  if (options.json) out.data(JSON.stringify(result));
  out.info(
    `archived sessions created before ${result.cutoff}: dropped ${result.partitionsDropped.length} partition(s)` +
      `${result.partitionsDropped.length > 0 ? ` (${result.partitionsDropped.join(', ')})` : ''}, deleted ${result.rowsDeleted} row(s)`,
  );
  if (result.partitionsBusy.length > 0) {
    throw new CliError(
      `left ${result.partitionsBusy.join(', ')}: the archive was locked by another session for longer than HANDOFF_PRUNE_LOCK_TIMEOUT; run it again later`,
    );
  }
}

function printPartitions(result: PartitionsResultDto, json: boolean | undefined): void {
  if (!result.partitioned) {
    if (json) out.data(JSON.stringify(result));
    out.info('this database keeps the archive in one table (MariaDB / MySQL): no partitions; `archive prune` deletes old rows');
    return;
  }
  out.table(json, result, () => result.partitions.map((partition) => [partition.name, partition.from, partition.to].join('\t')));
}

/** A retention in whole days (at least one, like HANDOFF_ARCHIVE_RETENTION_DAYS): a typo must not drop the archive. */
function retentionOption(value: string): number {
  const seconds = parseDuration(value);
  if (seconds === undefined || seconds < DAY_SECONDS || seconds % DAY_SECONDS !== 0) {
    throw new InvalidArgumentError('must be whole days or weeks, at least 1d: e.g. 90d');
  }
  return seconds / DAY_SECONDS;
}

function durationOption(value: string): number {
  const seconds = parseDuration(value);
  if (seconds === undefined) throw new InvalidArgumentError('must be a duration with its unit, such as 90d, 1h, 30m or 45s');
  return seconds;
}
