export const DIRECTORY_ERRORS = {
  USER_NOT_FOUND: { status: 404, level: 'info' },
  USER_EXISTS: { status: 409, level: 'info' },
  USER_DISABLED: { status: 409, level: 'info' },
  ACCOUNT_NOT_FOUND: { status: 404, level: 'info' },
  ACCOUNT_EXISTS: { status: 409, level: 'info' },
  /** Embedded in a host app (SPEC §10): the host manages its users and accounts, not Handoff. */
  DIRECTORY_MANAGED_BY_HOST: { status: 409, level: 'info' },
} as const;
