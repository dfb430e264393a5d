import { type Command, InvalidArgumentError } from 'commander';
import { AppError } from '../../common/errors/app-error.js';
import { CliError, out, withDatabase } from '../cli-context.js';

/** TypeORM and the migrations are loaded when a migrate command runs. */
const runner = () => import('../../database/migration-runner.js');

export function registerMigrateCommands(program: Command): void {
  const migrate = program.command('migrate').description('apply, revert or list database migrations');

  migrate
    .command('up')
    .description('apply every pending migration')
    .action(async () => {
      const { adopted, applied } = await withDatabase(async (dataSource) => (await runner()).migrateUp(dataSource)).catch((error: unknown) => {
        if (error instanceof AppError) throw new CliError(`${error.message} (${error.code})`);
        throw error;
      });
      if (adopted.length > 0) out.info(`took over tables made from the design documents; recorded ${adopted.length}:`);
      for (const name of adopted) out.info(`  ${name}`);
      out.info(applied.length === 0 ? 'nothing to apply: the schema is up to date' : `applied ${applied.length}:`);
      for (const name of applied) out.info(`  ${name}`);
    });

  migrate
    .command('down')
    .description('revert the last applied migration (or more)')
    .option('--steps <n>', 'how many migrations to revert', parsePositiveInteger, 1)
    .option('--all', 'revert every applied migration')
    .action(async (options: { steps: number; all?: boolean }) => {
      const steps = options.all ? Number.POSITIVE_INFINITY : options.steps;
      const reverted = await withDatabase(async (dataSource) => (await runner()).revertMigrations(dataSource, steps));
      out.info(reverted.length === 0 ? 'nothing to revert' : `reverted ${reverted.length}:`);
      for (const name of reverted) out.info(`  ${name}`);
    });

  migrate
    .command('status')
    .description('list migrations and whether each is applied')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      const states = await withDatabase(async (dataSource) => (await runner()).migrationStatus(dataSource));
      if (options.json) {
        out.data(JSON.stringify(states));
        return;
      }
      for (const state of states) out.data(`${state.applied ? '[X]' : '[ ]'} ${state.name}`);
      const pending = states.filter((state) => !state.applied).length;
      out.info(pending === 0 ? 'all migrations applied' : `${pending} pending`);
    });
}

export function parsePositiveInteger(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1) throw new InvalidArgumentError('must be a positive integer');
  return parsed;
}
