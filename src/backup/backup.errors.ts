import { AppError } from '../common/errors/app-error.js';

export const BACKUP_ERRORS = {
  /** The input is not a Handoff backup, is damaged, or names a table or column this database lacks. */
  BACKUP_INVALID: { status: 400, level: 'warn' },
  /** A row of the backup has a key this database already uses for another row. */
  RESTORE_CONFLICT: { status: 409, level: 'warn' },
  /** A signing key of the backup does not open with this deployment's HANDOFF_KEY_ENCRYPTION_SECRET. */
  RESTORE_KEY_UNREADABLE: { status: 409, level: 'warn' },
} as const;

export function invalidBackup(message: string): AppError {
  return new AppError('BACKUP_INVALID', `Backup: ${message}`);
}
