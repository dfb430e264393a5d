import type { QueryRunner } from 'typeorm';
import { dialectOf } from './dialect.js';

/** A column to re-collate: table, column, its definition without collation, and its collation before. */
export type CollatedColumn = readonly [table: string, column: string, definition: string, previous: string];

/**
 * The binary NO PAD collation of the MySQL-dialect server at hand (`pad-x` ≠ `pad-x `):
 * MariaDB's utf8mb4_nopad_bin, MySQL 8's utf8mb4_0900_bin. Undefined on PostgreSQL, whose
 * comparisons are byte-exact already. Asked of the server, not the URL: `mysql://` may name a MariaDB.
 */
export async function binaryCollationOf(queryRunner: QueryRunner): Promise<string | undefined> {
  if (dialectOf(queryRunner) === 'postgres') return undefined;
  const [row] = (await queryRunner.query('SELECT VERSION() AS version')) as Array<{ version: string }>;
  return /mariadb/i.test(row?.version ?? '') ? 'utf8mb4_nopad_bin' : 'utf8mb4_0900_bin';
}

/** One ALTER TABLE per table, restating each column's definition with its new collation. */
export async function modifyCollations(
  queryRunner: QueryRunner,
  columns: readonly CollatedColumn[],
  collationOf: (column: CollatedColumn) => string,
): Promise<void> {
  const byTable = new Map<string, string[]>();
  for (const column of columns) {
    const [table, name, definition] = column;
    const [type, ...rest] = definition.split(' ');
    const clause = `MODIFY ${name} ${type} CHARACTER SET utf8mb4 COLLATE ${collationOf(column)} ${rest.join(' ')}`;
    byTable.set(table, [...(byTable.get(table) ?? []), clause]);
  }
  for (const [table, clauses] of byTable) await queryRunner.query(`ALTER TABLE ${table} ${clauses.join(', ')}`);
}
