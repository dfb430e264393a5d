import { Entity, type ObjectType, PrimaryColumn } from 'typeorm';
import type { SqlDialect } from './dialect.js';

/**
 * Where Handoff finds users, accounts and memberships: its own tables when it runs on its own,
 * or the host application's tables when a NestJS app embeds it (SPEC §10). Every name is a plain
 * SQL identifier; Handoff quotes it for the dialect.
 */
export interface HostTablesOptions {
  readonly users?: {
    readonly table?: string;
    readonly id?: string;
    readonly email?: string;
    /** Display name; null: the host has none (Handoff answers with the email). */
    readonly name?: string | null;
    /** A timestamp column set when the user is disabled; null: the host has none. */
    readonly disabledAt?: string | null;
  };
  readonly accounts?: { readonly table?: string; readonly id?: string; readonly name?: string; readonly slug?: string };
  readonly memberships?: {
    readonly table?: string;
    readonly userId?: string;
    readonly accountId?: string;
    readonly role?: string;
  };
}

export interface HostTables {
  readonly users: { readonly table: string; readonly id: string; readonly email: string; readonly name: string | null; readonly disabledAt: string | null };
  readonly accounts: { readonly table: string; readonly id: string; readonly name: string; readonly slug: string };
  readonly memberships: { readonly table: string; readonly userId: string; readonly accountId: string; readonly role: string };
  /** True for Handoff's own tables, which it creates and manages (users add, accounts add…). */
  readonly standalone: boolean;
}

/** The standalone service's own tables (migrations 1642600000000–1642600002000). */
export const STANDALONE_TABLES: HostTables = Object.freeze({
  users: { table: 'users', id: 'id', email: 'email', name: 'name', disabledAt: 'disabled_at' },
  accounts: { table: 'accounts', id: 'id', name: 'name', slug: 'slug' },
  memberships: { table: 'account_members', userId: 'user_id', accountId: 'account_id', role: 'role' },
  standalone: true,
});

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

export class HostTablesError extends Error {}

/**
 * The host's mapping with Handoff's defaults filled in; names checked to be plain identifiers.
 * Any mapping, even `{}`, means the tables are the host's: Handoff never creates or alters them.
 */
export function resolveHostTables(options: HostTablesOptions | undefined): HostTables {
  if (!options) return STANDALONE_TABLES;
  const defaults = STANDALONE_TABLES;
  const tables: HostTables = {
    users: { ...defaults.users, ...options.users },
    accounts: { ...defaults.accounts, ...options.accounts },
    memberships: { ...defaults.memberships, ...options.memberships },
    standalone: false,
  };
  for (const [group, columns] of Object.entries(tables)) {
    if (typeof columns !== 'object') continue;
    for (const [key, value] of Object.entries(columns as Record<string, unknown>)) {
      // null turns an optional column off (name, disabledAt); anything else must be a name.
      if (value === null && (key === 'name' || key === 'disabledAt')) continue;
      if (typeof value !== 'string' || !IDENTIFIER.test(value)) {
        throw new HostTablesError(`directory.${group}.${key}: "${value}" is not a plain SQL identifier (letters, digits, _)`);
      }
    }
  }
  resolved.add(tables);
  return Object.freeze(tables);
}

/**
 * The mapping in force in this process. It is process-wide because TypeORM reads entity relation
 * targets and migration SQL when a DataSource is built, outside any Nest container; one process
 * serves one database, so one mapping. Set by `useHostTables` (HandoffModule.forRoot,
 * handoffEntities, handoffMigrations) before the DataSource is initialised.
 */
let inForce: HostTables = STANDALONE_TABLES;

export function useHostTables(options: HostTablesOptions | HostTables | undefined): HostTables {
  // A resolved mapping (from resolveHostTables) is taken as it is; anything else is resolved.
  inForce = options === STANDALONE_TABLES || isResolved(options) ? (options as HostTables) : resolveHostTables(options as HostTablesOptions | undefined);
  return inForce;
}

const resolved = new WeakSet<object>();

function isResolved(options: unknown): boolean {
  return typeof options === 'object' && options !== null && resolved.has(options);
}

export function hostTables(): HostTables {
  return inForce;
}

/** An identifier quoted for the dialect (names are checked plain identifiers, so no escaping). */
export function quoteIdentifier(dialect: SqlDialect, name: string): string {
  return dialect === 'postgres' ? `"${name}"` : `\`${name}\``;
}

/** `REFERENCES <users>(<id>)` / accounts, for Handoff's migrations. */
export function referencesSql(dialect: SqlDialect, to: 'users' | 'accounts'): string {
  const { table, id } = inForce[to];
  return `REFERENCES ${quoteIdentifier(dialect, table)}(${quoteIdentifier(dialect, id)})`;
}

/**
 * A relation target read when the DataSource builds its metadata, not when the entity is
 * declared: TypeORM resolves a target named by string to the entity of that table, the host's own.
 */
export function hostRelationTarget(to: 'users' | 'accounts'): () => ObjectType<unknown> {
  return (() => inForce[to].table) as unknown as () => ObjectType<unknown>;
}

/**
 * Stand-ins for a host's users and accounts tables in a DataSource that does not have the host's
 * own entities (Handoff's CLI in the host's project): just the key each foreign key references.
 * Never synchronised, so no schema tool touches the host's tables through them.
 */
export function hostTableStubs(): Function[] {
  if (inForce.standalone) return [];
  // Classes, not EntitySchemas: TypeORM resolves a decorated entity's relations among decorated
  // entities only.
  return (['users', 'accounts'] as const).map((to) => {
    const { table, id } = inForce[to];
    const stub = { [`HostTable_${table}`]: class {} }[`HostTable_${table}`]!;
    Entity({ name: table, synchronize: false })(stub);
    PrimaryColumn({ name: id, type: 'integer' })(stub.prototype, id);
    return stub;
  });
}
