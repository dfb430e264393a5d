export const CROSS_APP_ERRORS = {
  /**
   * Unknown, expired, already used (for validation), revoked, or another target app's token:
   * one answer for all, so that a caller learns nothing about which.
   */
  SESSION_INVALID: { status: 404, level: 'info' },
  /** `account_id` names an account the user does not belong to. */
  ACCOUNT_FORBIDDEN: { status: 403, level: 'info' },
  /** `target_app` is not a registered target app. */
  TARGET_APP_UNKNOWN: { status: 400, level: 'info' },
  /** `callback_url` is not on one of the target app's allowed origins. */
  CALLBACK_NOT_ALLOWED: { status: 400, level: 'info' },
} as const;
