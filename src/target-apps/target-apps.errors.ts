export const TARGET_APP_ERRORS = {
  /** Missing or wrong target-app (OAuth client) credentials. */
  INVALID_CLIENT: { status: 401, level: 'warn', oauthError: 'invalid_client' },
  APP_NOT_FOUND: { status: 404, level: 'info' },
  APP_EXISTS: { status: 409, level: 'info' },
  /** Rotating with two active secrets already, or retiring the only one. */
  SECRET_ROTATION_CONFLICT: { status: 409, level: 'info' },
} as const;
