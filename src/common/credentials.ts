/** The token of an `Authorization: Bearer <token>` header, if that is what it holds. */
export function bearerToken(authorization: string | undefined): string | undefined {
  return /^Bearer +(\S+) *$/i.exec(authorization ?? '')?.[1];
}

/** Allowed clock difference between the machines that issue and verify a JWT. */
export const CLOCK_TOLERANCE_SECONDS = 5;
