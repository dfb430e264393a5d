import type { MaintenanceService } from '../maintenance/maintenance.service.js';
import { type BackupColumn, type BackupValue, TableChecksum, type TableHeader } from './backup-format.js';
import type { BackupTable } from './backup-tables.js';
import type { RestoreTableSummaryDto } from './backup.schemas.js';
import type { BackupRepository } from './backup.repository.js';
import { invalidBackup as invalid } from './backup.errors.js';
import { AppError } from '../common/errors/app-error.js';

const WRITE_BATCH = 500;

/** One table of a restore: its rows in batches of one transaction each, counted and checksummed. */
export class TableRestore {
  read = 0;
  private inserted = 0;
  private batch: BackupValue[][] = [];
  private readonly checksum: TableChecksum;
  /** The backup's columns, with this database's kinds. */
  private readonly columns: BackupColumn[];
  private readonly keyPositions: number[];
  private readonly keyColumns: BackupColumn[];
  private readonly identityPositions: number[];
  private readonly identityColumns: BackupColumn[];
  /** Months whose archive partition is known to exist (`2026-01`). */
  private readonly months = new Set<string>();

  constructor(
    private readonly backups: BackupRepository,
    private readonly maintenance: MaintenanceService,
    private readonly table: BackupTable,
    header: TableHeader,
    target: readonly BackupColumn[],
  ) {
    if (target.length === 0) throw invalid(`this database has no table ${table.name}: run \`handoff migrate up\` first`);
    const fileColumns = header.columns.map(([name, kind]) => ({ name, kind }));
    this.checksum = new TableChecksum(fileColumns);
    this.columns = fileColumns.map((column) => {
      const here = target.find((candidate) => candidate.name === column.name);
      if (!here) throw invalid(`${table.name}.${column.name} is not a column of this database: migrate it first`);
      return here;
    });
    this.keyPositions = table.key.map((name) => fileColumns.findIndex((column) => column.name === name));
    if (this.keyPositions.some((position) => position < 0)) throw invalid(`${table.name}: the backup lacks its key columns`);
    this.keyColumns = this.keyPositions.map((position) => this.columns[position]!);
    this.identityPositions = table.identity.map((name) => fileColumns.findIndex((column) => column.name === name));
    if (this.identityPositions.some((position) => position < 0)) throw invalid(`${table.name}: the backup lacks its identifying columns`);
    this.identityColumns = this.identityPositions.map((position) => this.columns[position]!);
  }

  /** Takes one row; true when it completed a batch, which is then written. */
  async add(row: BackupValue[]): Promise<boolean> {
    if (row.length !== this.columns.length) throw invalid(`${this.table.name}: a row does not have the header's columns`);
    this.read++;
    this.checksum.add(row);
    this.batch.push(row);
    if (this.batch.length < WRITE_BATCH) return false;
    await this.flush();
    return true;
  }

  async finish(): Promise<RestoreTableSummaryDto> {
    await this.flush();
    return { table: this.table.name, rows: this.read, checksum: this.checksum.hex, inserted: this.inserted, skipped: this.read - this.inserted };
  }

  private async flush(): Promise<void> {
    const rows = this.batch;
    this.batch = [];
    if (rows.length === 0) return;
    if (this.table.name === 'cross_app_sessions_archive') await this.ensurePartitions(rows);
    const keys = rows.map((row) => this.keyPositions.map((position) => row[position]!));
    await this.backups.transaction(async (manager) => {
      const present = await this.backups.existingRows(manager, this.table.name, this.identityColumns, this.keyColumns, keys);
      // Under a key already there, the same parent (a database with users of its own would
      // otherwise get the backup's tokens and sessions attached to them).
      const identityOf = (row: BackupValue[]) => JSON.stringify(this.identityPositions.map((position) => row[position]));
      const conflict = rows.find((row, index) => present.has(JSON.stringify(keys[index])) && present.get(JSON.stringify(keys[index])) !== identityOf(row));
      if (conflict) {
        throw new AppError(
          'RESTORE_CONFLICT',
          `${this.table.name}: the row with key ${JSON.stringify(this.keyPositions.map((position) => conflict[position]))} is another one than the backup's: restore into an empty database (\`handoff migrate up\` on a new one)`,
        );
      }
      const elsewhere = this.table.exclusiveWith
        ? await this.backups.existingKeys(manager, this.table.exclusiveWith, this.keyColumns, keys)
        : new Set<string>();
      const missing = rows.filter((_, index) => {
        const key = JSON.stringify(keys[index]);
        return !present.has(key) && !elsewhere.has(key);
      });
      await this.backups.insertRows(manager, this.table.name, this.columns, missing);
      this.inserted += missing.length;
    });
  }

  /** Archived rows go into their month's partition, which must exist (PostgreSQL). */
  private async ensurePartitions(rows: readonly BackupValue[][]): Promise<void> {
    const position = this.columns.findIndex((column) => column.name === 'created_at');
    const created = rows.map((row) => String(row[position]));
    if (created.every((value) => this.months.has(value.slice(0, 7)))) return;
    const sorted = [...created].sort();
    await this.maintenance.ensurePartitionsFor(new Date(sorted[0]!), new Date(sorted[sorted.length - 1]!));
    for (const value of created) this.months.add(value.slice(0, 7));
  }
}
