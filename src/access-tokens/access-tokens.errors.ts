export const ACCESS_TOKEN_ERRORS = {
  /** No credentials where a user JWT is required. */
  AUTH_REQUIRED: { status: 401, level: 'info' },
  /**
   * Any JWT that is not accepted: bad signature, wrong issuer or audience, expired, disabled,
   * unknown, of a deleted or disabled user. One code on purpose: no oracle for which it was.
   */
  TOKEN_INVALID: { status: 401, level: 'info' },
  /** An external issuer's user whose email already belongs to another user. */
  IDENTITY_CONFLICT: { status: 401, level: 'warn' },
  /** An external issuer's keys could not be fetched: the token can be neither accepted nor refused. */
  ISSUER_UNAVAILABLE: { status: 503, level: 'error' },
} as const;
