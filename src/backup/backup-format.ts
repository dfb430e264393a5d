import { createHash } from 'node:crypto';

/**
 * The backup file: gzip'd JSON Lines, portable between PostgreSQL, PGlite and MariaDB.
 *
 *   {"format":"handoff-backup","version":1,"database":"postgres","created_at":"…"}
 *   {"table":"users","columns":[["id","integer"],["email","string"],…],"rows":2}
 *   [1,"ada@example.com",…]                       one array per row, in the header's column order
 *   [2,"bob@example.com",…]
 *   {"end":"users","rows":2,"checksum":"…"}
 *   … the next table
 *
 * Values: timestamps as UTC ISO strings with microseconds (`2026-01-01T12:00:00.123456Z`, the
 * columns' full precision), booleans as JSON booleans, 32-bit integers as numbers, 64-bit ones
 * as strings, everything else (text, INET, UUID) as strings.
 */
export const BACKUP_FORMAT = 'handoff-backup';
export const BACKUP_VERSION = 1;

export type ColumnKind = 'timestamp' | 'boolean' | 'integer' | 'bigint' | 'string';
export type BackupValue = string | number | boolean | null;

export interface BackupColumn {
  readonly name: string;
  readonly kind: ColumnKind;
}

export interface FileHeader {
  readonly format: typeof BACKUP_FORMAT;
  readonly version: number;
  readonly database: string;
  readonly created_at: string;
}

export interface TableHeader {
  readonly table: string;
  readonly columns: Array<[string, ColumnKind]>;
  readonly rows: number;
}

export interface TableTrailer {
  readonly end: string;
  readonly rows: number;
  readonly checksum: string;
}

const KINDS = new Set<ColumnKind>(['timestamp', 'boolean', 'integer', 'bigint', 'string']);
const MODULUS = 1n << 256n;

/** A column's portable kind from information_schema's type names (PostgreSQL or MySQL). */
export function columnKind(dataType: string, columnType = ''): ColumnKind {
  const type = dataType.toLowerCase();
  if (type.startsWith('timestamp') || type === 'datetime') return 'timestamp';
  if (type === 'boolean' || columnType.toLowerCase() === 'tinyint(1)') return 'boolean';
  if (type === 'bigint') return 'bigint';
  if (['integer', 'int', 'smallint', 'mediumint', 'tinyint'].includes(type)) return 'integer';
  return 'string';
}

/** A value as the driver returned it, in its portable form (timestamps are selected as text). */
export function toPortable(kind: ColumnKind, value: unknown): BackupValue {
  if (value === null || value === undefined) return null;
  switch (kind) {
    case 'boolean':
      return Boolean(Number(value));
    case 'integer':
      return Number(value);
    case 'bigint':
    case 'timestamp':
      return String(value);
    case 'string':
      // mysql2 hands binary columns over as Buffers.
      return Buffer.isBuffer(value) ? value.toString('utf8') : String(value);
  }
}

/**
 * The checksum of a table's rows: the sum of each row's SHA-256 modulo 2^256, over its values by
 * column name. It ignores the order of rows (each database sorts text keys its own way) and of
 * columns (migrations may have added them in another order), but not a missing, extra or changed
 * row.
 */
export class TableChecksum {
  private sum = 0n;
  private readonly order: number[];

  constructor(private readonly columns: readonly BackupColumn[]) {
    this.order = columns.map((_, index) => index).sort((a, b) => (columns[a]!.name < columns[b]!.name ? -1 : 1));
  }

  add(values: readonly BackupValue[]): void {
    const canonical = JSON.stringify(this.order.map((index) => [this.columns[index]!.name, values[index] ?? null]));
    this.sum = (this.sum + BigInt(`0x${createHash('sha256').update(canonical).digest('hex')}`)) % MODULUS;
  }

  get hex(): string {
    return this.sum.toString(16).padStart(64, '0');
  }
}

export function isFileHeader(value: unknown): value is FileHeader {
  const header = value as Partial<FileHeader> | null;
  return header?.format === BACKUP_FORMAT && typeof header.version === 'number';
}

export function isTableHeader(value: unknown): value is TableHeader {
  const header = value as Partial<TableHeader> | null;
  return (
    typeof header?.table === 'string' &&
    Number.isInteger(header.rows) &&
    Array.isArray(header.columns) &&
    header.columns.every((column) => Array.isArray(column) && typeof column[0] === 'string' && KINDS.has(column[1]))
  );
}

export function isTableTrailer(value: unknown): value is TableTrailer {
  const trailer = value as Partial<TableTrailer> | null;
  return typeof trailer?.end === 'string' && Number.isInteger(trailer.rows) && typeof trailer.checksum === 'string';
}

/** The lines of a stream of bytes, one at a time, without reading ahead of the consumer. */
export async function* lines(chunks: AsyncIterable<Buffer | string>): AsyncGenerator<string> {
  // Chunks may end inside a multi-byte character: decode as a stream.
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let rest = '';
  for await (const chunk of chunks) {
    const parts = (rest + (typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true }))).split('\n');
    rest = parts.pop()!;
    yield* parts;
  }
  rest += decoder.decode();
  if (rest.length > 0) yield rest;
}
