import { DATA_TABLES } from '../database/handoff-tables.js';
import { hostTables } from '../database/host-tables.js';

export interface BackupTable {
  readonly name: (typeof DATA_TABLES)[number];
  /** The columns that identify a row: a restore skips rows whose key is already there. */
  readonly key: readonly string[];
  /**
   * A session is in exactly one of `cross_app_sessions` and its archive: a restore skips a row
   * whose id the other table holds (cleanup may have moved it since the backup), and sets the
   * live table's sequence past the archive's ids too.
   */
  readonly exclusiveWith?: (typeof DATA_TABLES)[number];
  /**
   * For the parents that other tables point to by id: what the row is (a user's email…). A row
   * already there under the same id must be the same one, or the backup's children would be
   * attached to another parent.
   */
  readonly identity: readonly string[];
}

const KEYS: Record<(typeof DATA_TABLES)[number], readonly string[]> = {
  users: ['id'],
  accounts: ['id'],
  account_members: ['account_id', 'user_id'],
  account_resources: ['account_id', 'resource_id'],
  external_identity_tombstones: ['external_issuer', 'external_subject'],
  target_apps: ['id'],
  target_app_secrets: ['id'],
  signing_keys: ['id'],
  auth_user_tokens: ['id'],
  cross_app_sessions: ['id'],
  // Its primary key is (id, created_at) for the partitions; ids alone are unique.
  cross_app_sessions_archive: ['id'],
  auth_sessions: ['id'],
};

const IDENTITY: Partial<Record<(typeof DATA_TABLES)[number], readonly string[]>> = {
  users: ['email'],
  accounts: ['slug'],
  target_apps: ['name'],
  // Another key under the same id would leave the backup's tokens without the key that signed them.
  signing_keys: ['kid'],
};

const EXCLUSIVE: Partial<Record<(typeof DATA_TABLES)[number], (typeof DATA_TABLES)[number]>> = {
  cross_app_sessions: 'cross_app_sessions_archive',
  cross_app_sessions_archive: 'cross_app_sessions',
};

/**
 * The tables a backup holds, parents before children: restore inserts them in this order. The
 * signing keys (which nothing references) come first, so that a restore that cannot open them
 * stops before it has written anything.
 */
const ORDER = ['signing_keys', ...DATA_TABLES.filter((name) => name !== 'signing_keys')] as const;

export const BACKUP_TABLES: readonly BackupTable[] = ORDER.map((name) => ({
  name,
  key: KEYS[name],
  identity: IDENTITY[name] ?? [],
  ...(EXCLUSIVE[name] ? { exclusiveWith: EXCLUSIVE[name] } : {}),
}));

const DIRECTORY_TABLES: ReadonlySet<string> = new Set(['users', 'accounts', 'account_members']);

/**
 * The tables this deployment backs up: embedded in a host app (SPEC §10), the users, accounts
 * and memberships are the host's tables, the host's to back up, and never Handoff's to restore.
 */
export function backupTables(): readonly BackupTable[] {
  return hostTables().standalone ? BACKUP_TABLES : BACKUP_TABLES.filter((table) => !DIRECTORY_TABLES.has(table.name));
}
