import type { DataSource } from 'typeorm';
import { dialectOf } from './dialect.js';
import { entities } from './entities.js';

/**
 * What an entity cannot say in its (dialect-neutral) decorators: the column attributes that the
 * migrations write differently on PostgreSQL and on MariaDB / MySQL. Applied to the entity
 * metadata of a DataSource once it is built, so that TypeORM's schema diff (`schema:log`,
 * `migration:generate`) compares the entities with what the migrations really created.
 *
 * - PostgreSQL: `ip_address` is the design documents' INET (MariaDB has no INET: VARCHAR(45)).
 * - MariaDB / MySQL: `auth_sessions.id` is CHAR(36) (TypeORM would pick MariaDB's own UUID type,
 *   which MySQL lacks); and every column that holds an identifier, a hash or a code compares
 *   byte for byte (a binary NO PAD collation), as on PostgreSQL (issue 12). Only the columns in
 *   TEXT_COLUMNS keep the tables' case- and accent-insensitive collation.
 */

/** MariaDB columns compared as text, not as identifiers, and why. Every other string column is binary. */
export const TEXT_COLUMNS: Readonly<Record<string, string>> = {
  'users.email': 'looked up as typed by an operator; e-mail addresses are case-insensitive in practice',
  'users.name': 'a display name, never compared',
  'accounts.name': 'a display name, never compared',
  'cross_app_sessions.user_agent': 'shown to people, never compared',
  'cross_app_sessions_archive.user_agent': 'shown to people, never compared',
  'auth_sessions.user_agent': 'shown to the approver, never compared',
};

/** The binary NO PAD collations of migration 1795600302000 (binary-collation.ts says why NO PAD). */
export const BINARY_COLLATIONS = { mariadb: 'utf8mb4_nopad_bin', mysql: 'utf8mb4_0900_bin' } as const;
export const TEXT_COLLATION = 'utf8mb4_unicode_ci';

const STRING_TYPES = new Set(['char', 'varchar', 'character varying', 'text', 'simple-json']);

/**
 * Makes `dataSource`'s entity metadata say what Handoff's migrations create on its dialect. Only
 * Handoff's entities: a host's own, in the same DataSource, keep what their decorators say.
 */
export function applyDialectColumns(dataSource: DataSource): void {
  const dialect = dialectOf(dataSource);
  const binary = BINARY_COLLATIONS[dataSource.options.type === 'mariadb' ? 'mariadb' : 'mysql'];
  const handoff: ReadonlySet<unknown> = new Set(entities);
  for (const entity of dataSource.entityMetadatas) {
    if (!handoff.has(entity.target)) continue;
    for (const column of entity.columns) {
      const key = `${entity.tableName}.${column.databaseName}`;
      if (dialect === 'postgres') {
        if (column.databaseName === 'ip_address') {
          column.type = 'inet';
          column.length = '';
        }
        continue;
      }
      if (key === 'auth_sessions.id') {
        column.type = 'char';
        column.length = '36';
      }
      if (typeof column.type === 'string' && STRING_TYPES.has(column.type)) {
        column.charset = 'utf8mb4';
        column.collation = key in TEXT_COLUMNS ? TEXT_COLLATION : binary;
      }
    }
  }
}
