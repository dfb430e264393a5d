export const QR_LOGIN_ERRORS = {
  /** No pending sign-in request has this user code (unknown, expired or already decided). */
  USER_CODE_INVALID: { status: 404, level: 'info' },
  /** The request was approved or denied already: the first decision stays. */
  QR_REQUEST_DECIDED: { status: 409, level: 'info' },
  /** No sign-in request has this device code. */
  DEVICE_CODE_INVALID: { status: 404, level: 'info' },
  /** Unknown or expired exchange token. */
  EXCHANGE_TOKEN_INVALID: { status: 404, level: 'info' },
  /** The exchange token was exchanged already: it is good once. */
  EXCHANGE_TOKEN_USED: { status: 409, level: 'warn' },
  /** RFC 8628 §3.5, at POST /oauth/token: not approved yet, keep polling. */
  AUTHORIZATION_PENDING: { status: 400, level: 'debug', oauthError: 'authorization_pending' },
  /** RFC 8628 §3.5: polling faster than `interval`; wait 5 seconds longer from now on. */
  SLOW_DOWN: { status: 400, level: 'debug', oauthError: 'slow_down' },
  /** RFC 8628 §3.5: the user denied the request. */
  ACCESS_DENIED: { status: 400, level: 'info', oauthError: 'access_denied' },
  /** RFC 8628 §3.5: the device code expired; start again. */
  EXPIRED_TOKEN: { status: 400, level: 'info', oauthError: 'expired_token' },
  /** RFC 6749 §5.2: unknown device code, another client's, or already redeemed. */
  INVALID_GRANT: { status: 400, level: 'info', oauthError: 'invalid_grant' },
  /** RFC 6749 §5.2: a grant type Handoff's token endpoint does not serve. */
  UNSUPPORTED_GRANT_TYPE: { status: 400, level: 'info', oauthError: 'unsupported_grant_type' },
} as const;
