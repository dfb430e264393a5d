import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import { DataSource, type EntityManager } from 'typeorm';
import { AppError } from '../common/errors/app-error.js';
import { Injectable } from '../common/injection.js';
import { withDatabaseLock } from '../database/database-lock.js';
import { MaintenanceService, SESSIONS_ARCHIVE_LOCK } from '../maintenance/maintenance.service.js';
import { SigningKeysService } from '../signing-keys/signing-keys.service.js';
import {
  BACKUP_FORMAT,
  BACKUP_VERSION,
  type BackupColumn,
  type BackupValue,
  isFileHeader,
  isTableHeader,
  isTableTrailer,
  lines,
  TableChecksum,
  type TableHeader,
} from './backup-format.js';
import { type BackupTable, backupTables } from './backup-tables.js';
import { invalidBackup as invalid } from './backup.errors.js';
import type { BackupOptions, BackupSummaryDto, BackupTableSummaryDto, RestoreSummaryDto, RestoreTableSummaryDto } from './backup.schemas.js';
import { BackupRepository } from './backup.repository.js';
import { TableRestore } from './table-restore.js';

const READ_PAGE = 2000;

/**
 * Backup and restore of Handoff's tables as one streamed file (backup-format.ts), portable
 * between PostgreSQL, PGlite and MariaDB. Neither side ever holds more than a page of rows.
 */
@Injectable()
export class BackupService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly backups: BackupRepository,
    private readonly maintenance: MaintenanceService,
    private readonly signingKeys: SigningKeysService,
  ) {}

  /** Writes every table, read from one consistent snapshot, gzip'd to `output`. */
  async backup(output: Writable, options: BackupOptions = {}): Promise<BackupSummaryDto> {
    const tables: BackupTableSummaryDto[] = [];
    const columnsOf = new Map<string, BackupColumn[]>();
    for (const table of backupTables()) columnsOf.set(table.name, await this.backups.columns(table.name));
    await this.backups.snapshot((manager) =>
      pipeline(Readable.from(this.fileLines(manager, columnsOf, tables, options)), createGzip(), output),
    );
    return { database: this.backups.dialect, tables };
  }

  /** The backup file's lines; each table's summary goes into `tables` once written. */
  private async *fileLines(
    manager: EntityManager,
    columnsOf: ReadonlyMap<string, BackupColumn[]>,
    tables: BackupTableSummaryDto[],
    options: BackupOptions,
  ): AsyncGenerator<string> {
    yield line({ format: BACKUP_FORMAT, version: BACKUP_VERSION, database: this.backups.dialect, created_at: new Date().toISOString() });
    for (const table of backupTables()) tables.push(yield* this.tableLines(manager, table, columnsOf.get(table.name)!, options));
  }

  /**
   * Inserts the rows of a backup that this database lacks, table by table in batches, each batch
   * a transaction. Rows whose key is already there are left alone, so restoring twice changes
   * nothing, and a restore never brings back a token disabled since the backup. Ends by moving
   * the id sequences past the restored ids.
   */
  async restore(input: NodeJS.ReadableStream, options: BackupOptions = {}): Promise<RestoreSummaryDto> {
    // Cleanup must not move sessions between the two tables while they are being restored.
    return withDatabaseLock(this.dataSource, SESSIONS_ARCHIVE_LOCK, async () => {
      // Piped only now, and read at once: a gunzip error must find its reader listening.
      const gunzip = createGunzip();
      input.on('error', (error: Error) => gunzip.destroy(error));
      const source = lines(input.pipe(gunzip));
      const first = await nextJson(source);
      if (!isFileHeader(first)) throw invalid('not a Handoff backup (gzip’d JSON Lines with a handoff-backup header)');
      if (first.version > BACKUP_VERSION) throw invalid(`backup format version ${first.version} is newer than this Handoff reads`);
      const tables: RestoreTableSummaryDto[] = [];
      for (let header = await nextJson(source); header !== undefined; header = await nextJson(source)) {
        if (!isTableHeader(header)) throw invalid('expected a table header');
        tables.push(await this.restoreTable(source, header, options));
      }
      for (const table of tables) {
        const spec = backupTables().find((candidate) => candidate.name === table.table)!;
        if ((await this.backups.columns(spec.name)).some((column) => column.name === 'id')) {
          await this.backups.raiseSequence(spec.name, spec.exclusiveWith);
        }
      }
      return { database: this.backups.dialect, tables };
    });
  }

  private async *tableLines(
    manager: EntityManager,
    table: BackupTable,
    columns: BackupColumn[],
    options: BackupOptions,
  ): AsyncGenerator<string, BackupTableSummaryDto> {
    const total = await this.backups.count(manager, table.name);
    const keyIndexes = table.key.map((name) => columns.findIndex((column) => column.name === name));
    const checksum = new TableChecksum(columns);
    yield line({ table: table.name, columns: columns.map((column) => [column.name, column.kind]), rows: total });
    options.onProgress?.({ task: table.name, total, done: 0 });
    let done = 0;
    for (let after: BackupValue[] | null = null; ; ) {
      const page = await this.backups.readPage(manager, table.name, columns, table.key, after, READ_PAGE);
      for (const row of page) {
        checksum.add(row);
        yield JSON.stringify(row) + '\n';
      }
      done += page.length;
      options.onProgress?.({ task: table.name, total, done });
      if (page.length < READ_PAGE) break;
      after = keyIndexes.map((index) => page[page.length - 1]![index]!);
    }
    yield line({ end: table.name, rows: done, checksum: checksum.hex });
    return { table: table.name, rows: done, checksum: checksum.hex };
  }

  private async restoreTable(source: AsyncGenerator<string>, header: TableHeader, options: BackupOptions): Promise<RestoreTableSummaryDto> {
    const spec = backupTables().find((table) => table.name === header.table);
    if (!spec) throw invalid(`unknown table ${header.table}`);
    const restore = new TableRestore(this.backups, this.maintenance, spec, header, await this.backups.columns(spec.name));
    const check = spec.name === 'signing_keys' ? this.signingKeyCheck(header) : undefined;
    options.onProgress?.({ task: spec.name, total: header.rows, done: 0 });
    for (let entry = await nextJson(source); ; entry = await nextJson(source)) {
      if (Array.isArray(entry)) {
        check?.(entry as BackupValue[]);
        if (await restore.add(entry as BackupValue[])) options.onProgress?.({ task: spec.name, total: header.rows, done: restore.read });
        continue;
      }
      if (!isTableTrailer(entry) || entry.end !== spec.name) throw invalid(`${spec.name}: the backup ends before this table does`);
      const summary = await restore.finish();
      options.onProgress?.({ task: spec.name, total: header.rows, done: restore.read });
      if (summary.rows !== entry.rows || summary.rows !== header.rows || summary.checksum !== entry.checksum) {
        throw invalid(`${spec.name}: the rows do not match the backup's count and checksum (damaged file?)`);
      }
      return summary;
    }
  }

  /** Refuses a backed-up signing key that this deployment's key secret does not open. */
  private signingKeyCheck(header: TableHeader): (row: BackupValue[]) => void {
    const position = (name: string) => header.columns.findIndex(([column]) => column === name);
    const [kid, encrypted] = [position('kid'), position('private_key_encrypted')];
    if (kid < 0 || encrypted < 0) throw invalid('signing_keys: the backup lacks the kid or private_key_encrypted column');
    return (row) => {
      if (this.signingKeys.canDecrypt(String(row[kid]), String(row[encrypted]))) return;
      throw new AppError(
        'RESTORE_KEY_UNREADABLE',
        `signing_keys: key ${String(row[kid])} does not open with this HANDOFF_KEY_ENCRYPTION_SECRET: set the secret of the deployment that was backed up, then restore again`,
      );
    };
  }
}

async function readLine(source: AsyncGenerator<string>): Promise<IteratorResult<string>> {
  try {
    return await source.next();
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && code.startsWith('Z_')) throw invalid('the file is not gzip’d, or is damaged');
    throw error;
  }
}

function line(value: unknown): string {
  return `${JSON.stringify(value)}\n`;
}

async function nextJson(source: AsyncGenerator<string>): Promise<unknown> {
  for (let next = await readLine(source); !next.done; next = await readLine(source)) {
    if (next.value.trim() === '') continue;
    try {
      return JSON.parse(next.value) as unknown;
    } catch {
      throw invalid('a line is not JSON');
    }
  }
  return undefined;
}
