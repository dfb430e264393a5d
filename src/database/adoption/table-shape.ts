import type { QueryRunner } from 'typeorm';
import { dialectOf } from '../dialect.js';

/**
 * A table as the catalogue describes it, one line per part, normalised so that two spellings of
 * the same definition compare equal: `column <name>` → "type [NOT NULL] [DEFAULT …] [COMMENT …]",
 * `index <name>`, `constraint <name>` and `trigger <name>` → their definitions.
 */
export type TableShape = Record<string, string>;

export async function tableShape(queryRunner: QueryRunner, table: string): Promise<TableShape> {
  return dialectOf(queryRunner) === 'postgres' ? postgresShape(queryRunner, table) : mysqlShape(queryRunner, table);
}

async function postgresShape(queryRunner: QueryRunner, table: string): Promise<TableShape> {
  const shape: TableShape = {};
  const columns: Array<{ name: string; type: string; not_null: boolean; default_value: string | null; comment: string | null }> =
    await queryRunner.query(
      `SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS not_null,
              pg_get_expr(d.adbin, d.adrelid) AS default_value, col_description(a.attrelid, a.attnum) AS comment
       FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
       WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped`,
      [table],
    );
  for (const column of columns) {
    shape[`column ${column.name}`] = columnLine(
      column.type,
      !column.not_null,
      column.default_value === null ? undefined : postgresDefault(column.default_value),
      column.comment ?? undefined,
    );
  }
  const indexes: Array<{ name: string; definition: string }> = await queryRunner.query(
    `SELECT indexname AS name, indexdef AS definition FROM pg_indexes
     WHERE schemaname = current_schema() AND tablename = $1`,
    [table],
  );
  for (const index of indexes) shape[`index ${index.name}`] = index.definition.replace(/ ON \w+\./, ' ON ');
  // contype 'n': PostgreSQL 18 (PGlite) lists NOT NULL as constraints too; the columns say it already.
  const constraints: Array<{ name: string; definition: string }> = await queryRunner.query(
    `SELECT conname AS name, pg_get_constraintdef(oid) AS definition FROM pg_constraint
     WHERE conrelid = to_regclass($1) AND contype <> 'n'`,
    [table],
  );
  for (const constraint of constraints) shape[`constraint ${constraint.name}`] = constraint.definition;
  const triggers: Array<{ name: string; definition: string }> = await queryRunner.query(
    `SELECT tgname AS name, pg_get_triggerdef(oid) AS definition FROM pg_trigger
     WHERE tgrelid = to_regclass($1) AND NOT tgisinternal`,
    [table],
  );
  for (const trigger of triggers) shape[`trigger ${trigger.name}`] = trigger.definition.replace(/ ON \w+\./, ' ON ');
  return shape;
}

/** `nextval('…_seq'::regclass)` is a serial; CURRENT_TIMESTAMP and now() are one function; casts of literals go. */
function postgresDefault(expression: string): string {
  if (/^nextval\(/.test(expression)) return 'serial';
  if (/^(now\(\)|CURRENT_TIMESTAMP)$/i.test(expression)) return 'CURRENT_TIMESTAMP';
  return expression.replace(/^('(?:[^']|'')*')::[\w\s]+$/, '$1');
}

async function mysqlShape(queryRunner: QueryRunner, table: string): Promise<TableShape> {
  const shape: TableShape = {};
  const columns: Array<{ name: string; type: string; nullable: string; default_value: string | null; extra: string; comment: string }> =
    await queryRunner.query(
      `SELECT COLUMN_NAME AS name, COLUMN_TYPE AS type, IS_NULLABLE AS nullable, COLUMN_DEFAULT AS default_value,
              EXTRA AS extra, COLUMN_COMMENT AS comment
       FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?`,
      [table],
    );
  for (const column of columns) {
    const extra = column.extra.toLowerCase();
    let value = mysqlDefault(column.default_value);
    if (extra.includes('auto_increment')) value = 'serial';
    const onUpdate = /on update current_timestamp/.test(extra) ? ' ON UPDATE CURRENT_TIMESTAMP' : '';
    // Display widths (int(11)) are cosmetic and MySQL 8 no longer shows them; tinyint(1) means boolean.
    const type = column.type.replace(/^(int|bigint|smallint|mediumint)\(\d+\)/, '$1');
    shape[`column ${column.name}`] =
      columnLine(type, column.nullable === 'YES', value, column.comment || undefined) + onUpdate;
  }
  const foreignKeys: Array<{
    name: string;
    column_name: string;
    referenced_table: string;
    referenced_column: string;
    delete_rule: string;
    update_rule: string;
  }> = await queryRunner.query(
      `SELECT r.CONSTRAINT_NAME AS name, k.COLUMN_NAME AS column_name, k.REFERENCED_TABLE_NAME AS referenced_table,
              k.REFERENCED_COLUMN_NAME AS referenced_column, r.DELETE_RULE AS delete_rule, r.UPDATE_RULE AS update_rule
       FROM information_schema.REFERENTIAL_CONSTRAINTS r
       JOIN information_schema.KEY_COLUMN_USAGE k ON k.CONSTRAINT_SCHEMA = r.CONSTRAINT_SCHEMA
        AND k.CONSTRAINT_NAME = r.CONSTRAINT_NAME AND k.TABLE_NAME = r.TABLE_NAME
       WHERE r.CONSTRAINT_SCHEMA = DATABASE() AND r.TABLE_NAME = ?`,
      [table],
    );
  for (const key of foreignKeys) {
    shape[`constraint ${key.name}`] =
      `FOREIGN KEY (${key.column_name}) REFERENCES ${key.referenced_table}(${key.referenced_column}) ON DELETE ${key.delete_rule} ON UPDATE ${key.update_rule}`;
  }
  const indexes: Array<{ name: string; non_unique: number | string; columns: string }> = await queryRunner.query(
    `SELECT INDEX_NAME AS name, MAX(NON_UNIQUE) AS non_unique, GROUP_CONCAT(COLUMN_NAME ORDER BY SEQ_IN_INDEX) AS columns
     FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? GROUP BY INDEX_NAME`,
    [table],
  );
  const foreignKeyNames = new Set(foreignKeys.map((key) => key.name));
  for (const index of indexes) {
    // InnoDB's own index for a foreign key that no declared index serves: an artefact of the order of DDL.
    if (foreignKeyNames.has(index.name)) continue;
    shape[`index ${index.name}`] = `${Number(index.non_unique) ? 'INDEX' : 'UNIQUE'} (${index.columns})`;
  }
  const checks: Array<{ name: string; clause: string }> = await queryRunner.query(
    `SELECT CONSTRAINT_NAME AS name, CHECK_CLAUSE AS clause FROM information_schema.CHECK_CONSTRAINTS
     WHERE CONSTRAINT_SCHEMA = DATABASE() AND TABLE_NAME = ?`,
    [table],
  );
  for (const check of checks) shape[`constraint ${check.name}`] = `CHECK (${check.clause.replace(/`/g, '')})`;
  return shape;
}

/** MariaDB writes `current_timestamp()` and a NULL default as the text NULL; MySQL neither. */
function mysqlDefault(value: string | null): string | undefined {
  if (value === null || value === 'NULL') return undefined;
  const now = /^current_timestamp(?:\((\d*)\))?$/i.exec(value);
  if (now) return now[1] ? `CURRENT_TIMESTAMP(${now[1]})` : 'CURRENT_TIMESTAMP';
  return value;
}

function columnLine(type: string, nullable: boolean, value: string | undefined, comment: string | undefined): string {
  return [
    type,
    nullable ? undefined : 'NOT NULL',
    value === undefined ? undefined : `DEFAULT ${value}`,
    comment === undefined ? undefined : `COMMENT ${JSON.stringify(comment)}`,
  ]
    .filter(Boolean)
    .join(' ');
}
