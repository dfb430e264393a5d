import { DataSource, type EntityManager } from 'typeorm';
import { Injectable } from '../common/injection.js';
import { dialectOf, forDialect, placeholder, type SqlDialect } from '../database/dialect.js';
import { execute } from '../database/sql.js';
import { type BackupColumn, type BackupValue, columnKind, toPortable } from './backup-format.js';

type Raw = Record<string, unknown>;

/** The SQL of backup and restore: generic over Handoff's tables, described by information_schema. */
@Injectable()
export class BackupRepository {
  constructor(private readonly dataSource: DataSource) {}

  get dialect(): SqlDialect {
    return dialectOf(this.dataSource);
  }

  /** Runs `work` in one REPEATABLE READ transaction: every table is read from the same snapshot. */
  snapshot<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction('REPEATABLE READ', work);
  }

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  /** A table's columns in their order, with their portable kinds; none if the table is missing. */
  async columns(table: string): Promise<BackupColumn[]> {
    const { rows } = await execute<{ name: string; data_type: string; column_type: string | null }>(
      this.dataSource,
      forDialect(this.dialect, {
        postgres: `SELECT column_name AS name, data_type, NULL AS column_type FROM information_schema.columns
                   WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position`,
        mysql: `SELECT COLUMN_NAME AS name, DATA_TYPE AS data_type, COLUMN_TYPE AS column_type FROM information_schema.COLUMNS
                WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION`,
      }),
      [table],
    );
    return rows.map((row) => ({ name: row.name, kind: columnKind(row.data_type, row.column_type ?? '') }));
  }

  async count(manager: EntityManager, table: string): Promise<number> {
    const { rows } = await execute<{ n: number | string }>(manager, `SELECT COUNT(*) AS n FROM ${this.quote(table)}`);
    return Number(rows[0]?.n ?? 0);
  }

  /**
   * Up to `limit` rows after the key `after` (all from the start without one), in key order:
   * keyset pagination, so that reading a large table never holds more than one page.
   */
  async readPage(
    manager: EntityManager,
    table: string,
    columns: readonly BackupColumn[],
    key: readonly string[],
    after: readonly BackupValue[] | null,
    limit: number,
  ): Promise<BackupValue[][]> {
    const select = columns.map((column) => `${this.selectExpression(column)} AS ${this.quote(column.name)}`).join(', ');
    const keyList = key.map((name) => this.quote(name)).join(', ');
    const where = after ? `WHERE (${keyList}) > (${key.map((_, index) => placeholder(this.dialect, index + 1)).join(', ')})` : '';
    const { rows } = await execute<Raw>(
      manager,
      `SELECT ${select} FROM ${this.quote(table)} ${where} ORDER BY ${keyList} LIMIT ${Number(limit)}`,
      after ?? [],
    );
    return rows.map((row) => columns.map((column) => toPortable(column.kind, row[column.name])));
  }

  /** Which of `keys` (values of `keyColumns`) `table` holds, as JSON strings of the key values. */
  async existingKeys(manager: EntityManager, table: string, keyColumns: readonly BackupColumn[], keys: readonly BackupValue[][]): Promise<Set<string>> {
    return new Set((await this.existingRows(manager, table, [], keyColumns, keys)).keys());
  }

  /**
   * The rows of `table` that have one of `keys`, each as the JSON of its values of `columns` (in
   * the backup's portable form), by the JSON of its key.
   */
  async existingRows(
    manager: EntityManager,
    table: string,
    columns: readonly BackupColumn[],
    keyColumns: readonly BackupColumn[],
    keys: readonly BackupValue[][],
  ): Promise<Map<string, string>> {
    if (keys.length === 0) return new Map();
    let index = 0;
    const tuple = () => `(${keyColumns.map(() => placeholder(this.dialect, ++index)).join(', ')})`;
    const selected = [...keyColumns, ...columns.filter((column) => !keyColumns.includes(column))];
    const select = selected.map((column) => `${this.selectExpression(column)} AS ${this.quote(column.name)}`).join(', ');
    const names = keyColumns.map((column) => this.quote(column.name)).join(', ');
    const { rows } = await execute<Raw>(
      manager,
      `SELECT ${select} FROM ${this.quote(table)} WHERE (${names}) IN (${keys.map(tuple).join(', ')})`,
      keys.flat(),
    );
    return new Map(
      rows.map((row) => [
        JSON.stringify(keyColumns.map((column) => toPortable(column.kind, row[column.name]))),
        JSON.stringify(columns.map((column) => toPortable(column.kind, row[column.name]))),
      ]),
    );
  }

  async insertRows(manager: EntityManager, table: string, columns: readonly BackupColumn[], rows: readonly BackupValue[][]): Promise<void> {
    if (rows.length === 0) return;
    let index = 0;
    const tuple = () => `(${columns.map(() => placeholder(this.dialect, ++index)).join(', ')})`;
    await execute(
      manager,
      `INSERT INTO ${this.quote(table)} (${columns.map((column) => this.quote(column.name)).join(', ')})
       VALUES ${rows.map(tuple).join(', ')}`,
      rows.flatMap((row) => row.map((value, position) => this.toDriver(columns[position]!, value))),
    );
  }

  /**
   * Moves `table`'s id sequence (AUTO_INCREMENT) past the highest id restored into it and into
   * `alsoTable`, never back: new rows must not take the id of a restored one.
   */
  async raiseSequence(table: string, alsoTable?: string): Promise<void> {
    if (this.dialect === 'postgres') {
      const { rows } = await execute<{ name: string | null }>(this.dataSource, "SELECT pg_get_serial_sequence($1, 'id') AS name", [table]);
      const sequence = rows[0]?.name;
      const highest = sequence ? await this.highestId(table, alsoTable) : undefined;
      if (highest === undefined) return;
      // The sequence's name comes from the catalog, already quoted where it needs to be.
      await execute(this.dataSource, `SELECT setval($1::regclass, GREATEST($2::bigint, (SELECT last_value FROM ${sequence})))`, [sequence, highest]);
      return;
    }
    const { rows } = await execute<{ next: number | null }>(
      this.dataSource,
      'SELECT AUTO_INCREMENT AS next FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?',
      [table],
    );
    const next = rows[0]?.next;
    const highest = next === null || next === undefined ? undefined : await this.highestId(table, alsoTable);
    if (highest === undefined || Number(next) > highest) return;
    await execute(this.dataSource, `ALTER TABLE ${this.quote(table)} AUTO_INCREMENT = ${highest + 1}`);
  }

  private async highestId(table: string, alsoTable?: string): Promise<number | undefined> {
    const maxOf = (name: string) => `SELECT MAX(id) AS id FROM ${this.quote(name)}`;
    const { rows } = await execute<{ id: number | string | null }>(
      this.dataSource,
      `SELECT MAX(id) AS id FROM (${maxOf(table)}${alsoTable ? ` UNION ALL ${maxOf(alsoTable)}` : ''}) ids`,
    );
    const id = rows[0]?.id;
    return id === null || id === undefined ? undefined : Number(id);
  }

  private quote(name: string): string {
    return forDialect(this.dialect, { postgres: `"${name.replace(/"/g, '""')}"`, mysql: `\`${name.replace(/`/g, '``')}\`` });
  }

  /** Timestamps as UTC text with microseconds: a JavaScript Date would drop them. */
  private selectExpression(column: BackupColumn): string {
    const name = this.quote(column.name);
    if (column.kind !== 'timestamp') return name;
    return forDialect(this.dialect, {
      postgres: `to_char(${name}, 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`,
      mysql: `DATE_FORMAT(${name}, '%Y-%m-%dT%H:%i:%s.%fZ')`,
    });
  }

  /** A portable value as this database's driver takes it for a column of `column`'s kind. */
  private toDriver(column: BackupColumn, value: BackupValue): unknown {
    if (value === null || this.dialect === 'postgres') return value;
    if (column.kind === 'timestamp') return String(value).replace('T', ' ').replace('Z', '');
    if (column.kind === 'boolean') return value === true || value === 1 || value === '1' ? 1 : 0;
    return value;
  }
}
