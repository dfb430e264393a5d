import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** An opaque token: 32 bytes from the CSPRNG as 64 lowercase hex characters (SPEC §2). */
export function randomToken(): string {
  return randomBytes(32).toString('hex');
}

/** SHA-256 as 64 lowercase hex characters: the only form in which Handoff stores a secret. */
export function sha256Hex(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

/**
 * Compares two secrets in time independent of where they differ. Both sides are hashed first so
 * that inputs of different lengths are compared in constant time too (timingSafeEqual demands
 * equal lengths, and an early length check would leak the length).
 */
export function constantTimeEqual(a: string, b: string): boolean {
  const left = createHash('sha256').update(a, 'utf8').digest();
  const right = createHash('sha256').update(b, 'utf8').digest();
  return timingSafeEqual(left, right);
}
