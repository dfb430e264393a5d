import { type HostTablesOptions, useHostTables } from '../host-tables.js';
import { CreateUsers1642600000000 } from './1642600000000-CreateUsers.js';
import { CreateAccounts1642600001000 } from './1642600001000-CreateAccounts.js';
import { CreateAccountMembers1642600002000 } from './1642600002000-CreateAccountMembers.js';
import { CreateCrossAppSessions1642700000000 } from './1642700000000-CreateCrossAppSessions.js';
import { CreateAuthUserTokens1708996044000 } from './1708996044000-CreateAuthUserTokens.js';
import { CreateAuthSessions1736380800000 } from './1736380800000-CreateAuthSessions.js';
import { AddAuthSessionExchangeToken1736467200000 } from './1736467200000-AddAuthSessionExchangeToken.js';
import { CreateTargetApps1795600000000 } from './1795600000000-CreateTargetApps.js';
import { AddUserIdentityAndStatus1795600001000 } from './1795600001000-AddUserIdentityAndStatus.js';
import { AddAuthUserTokenJtiAndExpiry1795600002000 } from './1795600002000-AddAuthUserTokenJtiAndExpiry.js';
import { CreateSigningKeys1795600003000 } from './1795600003000-CreateSigningKeys.js';
import { CreateAccountResources1795600004000 } from './1795600004000-CreateAccountResources.js';
import { CreateRateLimits1795600005000 } from './1795600005000-CreateRateLimits.js';
import { CreateExternalIdentityTombstones1795600006000 } from './1795600006000-CreateExternalIdentityTombstones.js';
import { AddDeviceGrant1795600007000 } from './1795600007000-AddDeviceGrant.js';
import { CreateCrossAppSessionsArchive1795600100000 } from './1795600100000-CreateCrossAppSessionsArchive.js';
import { CreateScheduledJobRuns1795600101000 } from './1795600101000-CreateScheduledJobRuns.js';
import { DropDuplicateTokenHashIndex1795600200000 } from './1795600200000-DropDuplicateTokenHashIndex.js';
import { TimestampDefaultsNow1795600300000 } from './1795600300000-TimestampDefaultsNow.js';
import { DirectoryTimestampDefaultsNow1795600301000 } from './1795600301000-DirectoryTimestampDefaultsNow.js';
import { BinaryIdentifierCollations1795600302000 } from './1795600302000-BinaryIdentifierCollations.js';
import { BinaryDirectoryCollations1795600303000 } from './1795600303000-BinaryDirectoryCollations.js';

/** Every migration of the standalone service, oldest first. Listed explicitly: no file globbing at run time. */
export const migrations = [
  CreateUsers1642600000000,
  CreateAccounts1642600001000,
  CreateAccountMembers1642600002000,
  CreateCrossAppSessions1642700000000,
  CreateAuthUserTokens1708996044000,
  CreateAuthSessions1736380800000,
  AddAuthSessionExchangeToken1736467200000,
  CreateTargetApps1795600000000,
  AddUserIdentityAndStatus1795600001000,
  AddAuthUserTokenJtiAndExpiry1795600002000,
  CreateSigningKeys1795600003000,
  CreateAccountResources1795600004000,
  CreateRateLimits1795600005000,
  CreateExternalIdentityTombstones1795600006000,
  AddDeviceGrant1795600007000,
  CreateCrossAppSessionsArchive1795600100000,
  CreateScheduledJobRuns1795600101000,
  DropDuplicateTokenHashIndex1795600200000,
  TimestampDefaultsNow1795600300000,
  DirectoryTimestampDefaultsNow1795600301000,
  BinaryIdentifierCollations1795600302000,
  BinaryDirectoryCollations1795600303000,
];

/**
 * Migrations of the standalone service's own users and accounts. A host that maps Handoff onto
 * its own tables (SPEC §10) keeps its tables: these never run there.
 */
const STANDALONE_ONLY: ReadonlySet<Function> = new Set([
  CreateUsers1642600000000,
  CreateAccounts1642600001000,
  CreateAccountMembers1642600002000,
  AddUserIdentityAndStatus1795600001000,
  DirectoryTimestampDefaultsNow1795600301000,
  BinaryDirectoryCollations1795600303000,
]);

/**
 * Handoff's migrations for a DataSource, to list beside a host's own
 * (`migrations: [...hostMigrations, ...handoffMigrations({ users: { table: 'members', … } })]`).
 * With a mapping, Handoff's tables reference the host's users and accounts tables.
 */
export function handoffMigrations(directory?: HostTablesOptions): Function[] {
  const tables = useHostTables(directory);
  return tables.standalone ? [...migrations] : migrations.filter((migration) => !STANDALONE_ONLY.has(migration));
}
