import { type DataSource, MigrationExecutor, type QueryRunner } from 'typeorm';
import { AppError } from '../../common/errors/app-error.js';
import { dialectOf, type SqlDialect } from '../dialect.js';
import { ADOPTABLE_TABLES, type AdoptableTable, type AdoptionStage } from './design-document-tables.js';
import { type TableShape, tableShape } from './table-shape.js';

/** What taking over one table does, once every table has been found to match. */
interface AdoptionPlan {
  readonly table: string;
  readonly migrations: readonly string[];
  /** Index renames: [from, to]. */
  readonly renames: ReadonlyArray<readonly [string, string]>;
  readonly completions: readonly string[];
}

/**
 * Issue 10 item 3: a database where the design documents' SQL was run by hand is taken over.
 * Each table listed in design-document-tables.ts that exists while the migrations creating it are
 * not recorded is compared with what the documents define; if every such table matches, those
 * migrations are recorded as applied (the migrations that follow then upgrade the tables in place,
 * rows and all), after renaming what MariaDB names differently and adding what a dialect could
 * not express. If any table differs, nothing at all is changed: SCHEMA_MISMATCH names every
 * column, index, constraint or trigger that differs. Returns the migrations recorded.
 *
 * Call it under the migrations lock, before running migrations. Only tables whose migrations are
 * in the DataSource's list are considered: a host that leaves out the directory migrations keeps
 * its own users and accounts out of this.
 */
export async function adoptDesignDocumentTables(dataSource: DataSource): Promise<string[]> {
  const dialect = dialectOf(dataSource);
  const queryRunner = dataSource.createQueryRunner();
  try {
    const recorder = new MigrationRecorder(dataSource, queryRunner);
    const recorded = new Set((await recorder.getExecutedMigrations()).map((migration) => migration.name));
    const known = new Set(dataSource.migrations.map((migration) => migration.name ?? migration.constructor.name));
    const plans: AdoptionPlan[] = [];
    const problems: string[] = [];
    for (const adoptable of ADOPTABLE_TABLES) {
      const names = adoptable.stages.flatMap((stage) => stage.migrations);
      if (!names.every((name) => known.has(name))) continue;
      // The usual case, at every start: nothing to take over, no catalogue to read.
      if (names.every((name) => recorded.has(name))) continue;
      if (!(await queryRunner.hasTable(adoptable.table))) continue;
      const outcome = planAdoption(adoptable, dialect, await tableShape(queryRunner, adoptable.table), recorded);
      if (typeof outcome === 'string') problems.push(outcome);
      else if (outcome) plans.push(outcome);
    }
    if (problems.length > 0) {
      throw new AppError(
        'SCHEMA_MISMATCH',
        `existing tables differ from the design documents; nothing was changed. ${problems.join(' | ')}`,
      );
    }
    if (plans.length === 0) return [];
    await applyPlans(queryRunner, recorder, plans, dialect);
    return plans.flatMap((plan) => plan.migrations);
  } finally {
    await queryRunner.release();
  }
}

/** The plan for one table, a description of how it differs, or undefined if there is nothing to adopt. */
function planAdoption(
  adoptable: AdoptableTable,
  dialect: SqlDialect,
  actual: TableShape,
  recorded: ReadonlySet<string>,
): AdoptionPlan | string | undefined {
  const stage = adoptable.stages.find((candidate) => !candidate.marker || candidate.marker in actual)!;
  const migrations = stage.migrations.filter((name) => !recorded.has(name));
  if (migrations.length === 0) return undefined;
  const { differences, renames, completions } = compareShapes(stage, dialect, actual);
  if (differences.length > 0) return `${adoptable.table} (${adoptable.source}): ${differences.join('; ')}`;
  return { table: adoptable.table, migrations, renames, completions };
}

export function compareShapes(
  stage: AdoptionStage,
  dialect: SqlDialect,
  found: TableShape,
): { differences: string[]; renames: Array<readonly [string, string]>; completions: string[] } {
  const expected = stage.shape[dialect];
  const optional = stage.completions?.[dialect] ?? {};
  const actual = { ...found };
  const renames: Array<readonly [string, string]> = [];
  for (const [alias, name] of Object.entries(stage.aliases?.[dialect] ?? {})) {
    if (alias in actual && !(name in actual)) {
      actual[name] = actual[alias]!;
      delete actual[alias];
      renames.push([partName(alias), partName(name)]);
    }
  }
  const differences: string[] = [];
  const completions: string[] = [];
  for (const [part, repair] of Object.entries(stage.repairs?.[dialect] ?? {})) {
    if (actual[part] === repair.found && expected[part] !== undefined) {
      actual[part] = expected[part];
      completions.push(...repair.statements);
    }
  }
  for (const [part, definition] of Object.entries(expected)) {
    const present = actual[part];
    if (present === undefined) {
      if (optional[part]) completions.push(...optional[part]);
      else differences.push(`${part} is missing (expected: ${definition})`);
    } else if (present !== definition) {
      differences.push(`${part} is "${present}" (expected: ${definition})`);
    }
  }
  for (const [part, definition] of Object.entries(actual)) {
    if (!(part in expected)) differences.push(`${part} is not in the documents (${definition})`);
  }
  return { differences, renames, completions };
}

const partName = (part: string): string => part.slice(part.indexOf(' ') + 1);

async function applyPlans(
  queryRunner: QueryRunner,
  recorder: MigrationRecorder,
  plans: readonly AdoptionPlan[],
  dialect: SqlDialect,
): Promise<void> {
  // PostgreSQL: all or nothing. MySQL commits each DDL statement anyway.
  if (dialect === 'postgres') await queryRunner.startTransaction();
  try {
    for (const plan of plans) {
      for (const [from, to] of plan.renames) {
        await queryRunner.query(`ALTER TABLE ${plan.table} RENAME INDEX ${from} TO ${to}`);
      }
      for (const statement of plan.completions) await queryRunner.query(statement);
      await recorder.record(plan.migrations);
    }
    if (dialect === 'postgres') await queryRunner.commitTransaction();
  } catch (error) {
    if (queryRunner.isTransactionActive) await queryRunner.rollbackTransaction();
    throw error;
  }
}

/** TypeORM's own way to create the migrations table and write its rows, for migrations not run. */
class MigrationRecorder extends MigrationExecutor {
  async record(names: readonly string[]): Promise<void> {
    await this.withQueryRunner(async (queryRunner) => {
      await this.createMigrationsTableIfNotExist(queryRunner);
      for (const migration of this.getMigrations().filter((candidate) => names.includes(candidate.name))) {
        await this.insertExecutedMigration(queryRunner, migration);
      }
    });
  }
}
