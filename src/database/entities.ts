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
