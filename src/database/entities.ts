import { AuthUserToken } from '../access-tokens/auth-user-token.entity.js';
import { CrossAppSession } from '../cross-app/cross-app-session.entity.js';
import { Account } from '../directory/account.entity.js';
import { AccountMembership } from '../directory/account-membership.entity.js';
import { AccountResource } from '../directory/account-resource.entity.js';
import { ExternalIdentityTombstone } from '../directory/external-identity-tombstone.entity.js';
import { User } from '../directory/user.entity.js';
import { CrossAppSessionArchive } from '../maintenance/cross-app-session-archive.entity.js';
import { AuthSession } from '../qr-login/auth-session.entity.js';
import { ScheduledJobRun } from '../scheduler/scheduled-job-run.entity.js';
import { SigningKey } from '../signing-keys/signing-key.entity.js';
import { TargetAppSecret } from '../target-apps/target-app-secret.entity.js';
import { TargetApp } from '../target-apps/target-app.entity.js';
import { type HostTablesOptions, useHostTables } from './host-tables.js';

/** The standalone service's entities: Handoff's tables plus its own users and accounts. */
export const entities = [
  User,
  Account,
  AccountMembership,
  AccountResource,
  ExternalIdentityTombstone,
  CrossAppSession,
  AuthUserToken,
  AuthSession,
  TargetApp,
  TargetAppSecret,
  SigningKey,
  CrossAppSessionArchive,
  ScheduledJobRun,
];

/** Entities of the standalone service's own users and accounts, which a host keeps in its own tables. */
const STANDALONE_ONLY: ReadonlySet<Function> = new Set([User, Account, AccountMembership]);

/**
 * Handoff's entities for a DataSource, to list beside a host's own. With a mapping, Handoff's
 * relations (and so the foreign keys TypeORM expects) point at the host's users and accounts
 * tables, whose entities the host registers itself.
 */
export function handoffEntities(directory?: HostTablesOptions): Function[] {
  const tables = useHostTables(directory);
  return tables.standalone ? [...entities] : entities.filter((entity) => !STANDALONE_ONLY.has(entity));
}
