import { hash, randomFillSync, timingSafeEqual } from 'node:crypto';

const TOKEN_BYTES = 32;
/**
 * CSPRNG bytes for the next 128 tokens, drawn in one call and each handed out once: a call per
 * token cost generate-session about 6 µs (issue 11's profile); Node's randomUUID pools the same way.
 */
const tokenBytes = Buffer.alloc(TOKEN_BYTES * 128);
let nextTokenByte = tokenBytes.length;

/** An opaque token: 32 bytes from the CSPRNG as 64 lowercase hex characters (SPEC §2). */
export function randomToken(): string {
  if (nextTokenByte === tokenBytes.length) {
    randomFillSync(tokenBytes);
    nextTokenByte = 0;
  }
  const token = tokenBytes.toString('hex', nextTokenByte, nextTokenByte + TOKEN_BYTES);
  // Handed out: never again, and not left in memory for the next reader of this buffer.
  tokenBytes.fill(0, nextTokenByte, nextTokenByte + TOKEN_BYTES);
  nextTokenByte += TOKEN_BYTES;
  return token;
}

/** SHA-256 as 64 lowercase hex characters: the only form in which Handoff stores a secret. */
export function sha256Hex(value: string): string {
  // The one-shot form: no Hash object per call (issue 11: 1.2–1.4 µs a call against 0.3–0.6).
  return hash('sha256', value, 'hex');
}

/**
 * Compares two secrets in time independent of where they differ. Both sides are hashed first so
 * that inputs of different lengths are compared in constant time too (timingSafeEqual demands
 * equal lengths, and an early length check would leak the length).
 */
export function constantTimeEqual(a: string, b: string): boolean {
  const left = hash('sha256', a, 'buffer');
  const right = hash('sha256', b, 'buffer');
  return timingSafeEqual(left, right);
}
