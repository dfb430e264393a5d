import { constantTimeEqual } from './crypto.js';

/** The token of an `Authorization: Bearer <token>` header, if that is what it holds. */
export function bearerToken(authorization: string | undefined): string | undefined {
  return /^Bearer +(\S+) *$/i.exec(authorization ?? '')?.[1];
}

/** True if the Authorization header carries `expected` as a bearer token (compared in constant time). */
export function hasBearerToken(authorization: string | undefined, expected: string | undefined): boolean {
  const presented = bearerToken(authorization);
  return Boolean(expected && presented && constantTimeEqual(presented, expected));
}

/** Allowed clock difference between the machines that issue and verify a JWT. */
export const CLOCK_TOLERANCE_SECONDS = 5;

/** What an operator gets when the Authorization header holds a credential without its scheme. */
export const BEARER_FORMAT_MESSAGE = 'The Authorization header must read "Bearer <token>" (the "Bearer " prefix is missing)';

/** True when a header is present but is not a Bearer credential (e.g. the bare token was pasted). */
export function lacksBearerScheme(authorization: string | undefined): boolean {
  return Boolean(authorization) && bearerToken(authorization) === undefined;
}
