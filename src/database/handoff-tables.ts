/**
 * Handoff's tables holding data, parents before children (foreign keys): the order a restore
 * inserts in. Every new table belongs here, and in BACKUP_TABLES' key list.
 */
export const DATA_TABLES = [
  'users',
  'accounts',
  'account_members',
  'account_resources',
  'external_identity_tombstones',
  'target_apps',
  'target_app_secrets',
  'signing_keys',
  'auth_user_tokens',
  'cross_app_sessions',
  'cross_app_sessions_archive',
  'auth_sessions',
] as const;

/** Tables of running state only: rate-limit counters and the scheduler's last runs (not backed up). */
export const OPERATIONAL_TABLES = ['rate_limits', 'scheduled_job_runs'] as const;
