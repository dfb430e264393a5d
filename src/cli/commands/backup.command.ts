import { open, rename, rm } from 'node:fs/promises';
import type { Command } from 'commander';
import type { BackupTableSummaryDto, RestoreTableSummaryDto } from '../../backup/backup.schemas.js';
import { CliError, out, withServices } from '../cli-context.js';
import { progressReporter } from '../progress.js';

export function registerBackupCommands(program: Command): void {
  program
    .command('backup')
    .description("write Handoff's tables to a portable, gzip'd file (restore it into PostgreSQL, PGlite or MariaDB)")
    .requiredOption('--out <file>', 'the file to write (- for stdout)')
    .option('--json', 'print the summary (rows and checksum per table) as JSON')
    .action(async (options: { out: string; json?: boolean }) => {
      const toStdout = options.out === '-';
      if (toStdout && options.json) throw new CliError('--json needs --out <file>: stdout carries the backup');
      // Written beside, then renamed: a failed backup never leaves a file that looks complete.
      const partial = `${options.out}.partial`;
      const output = toStdout ? process.stdout : (await openFile('--out', partial, 'w')).createWriteStream();
      const progress = progressReporter();
      try {
        const summary = await withServices(async (services) => (await services.backup()).backup(output, { onProgress: progress.listener }));
        progress.stop();
        if (!toStdout) await rename(partial, options.out);
        if (options.json) out.data(JSON.stringify(summary));
        printSummary('backed up', summary.tables);
      } catch (error) {
        progress.stop();
        if (!toStdout) await rm(partial, { force: true });
        throw error;
      }
    });

  program
    .command('restore')
    .description('insert the rows of a backup that this database lacks (idempotent), then move the id sequences past them')
    .requiredOption('--in <file>', 'the backup file (- for stdin)')
    .option('--json', 'print the summary as JSON')
    .action(async (options: { in: string; json?: boolean }) => {
      const input = options.in === '-' ? process.stdin : (await openFile('--in', options.in, 'r')).createReadStream();
      const progress = progressReporter();
      const summary = await withServices(async (services) => (await services.backup()).restore(input, { onProgress: progress.listener })).finally(() =>
        progress.stop(),
      );
      if (options.json) out.data(JSON.stringify(summary));
      printSummary('restored', summary.tables);
    });
}

/** Opens the file up front, so that a wrong path ends the command with one line. */
async function openFile(option: string, path: string, flags: 'r' | 'w') {
  try {
    // A backup holds hashes and encrypted signing keys: readable by its owner only.
    return await open(path, flags, 0o600);
  } catch (error) {
    throw new CliError(`${option}: cannot ${flags === 'r' ? 'read' : 'write'} ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}

function printSummary(verb: string, tables: ReadonlyArray<BackupTableSummaryDto | RestoreTableSummaryDto>): void {
  for (const table of tables) {
    const restored = 'inserted' in table ? ` (${table.inserted} inserted, ${table.skipped} already there)` : '';
    out.info(`${verb} ${table.table}: ${table.rows} row(s)${restored}, checksum ${table.checksum.slice(0, 16)}`);
  }
}
