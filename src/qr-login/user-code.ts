import { randomInt } from 'node:crypto';

/**
 * RFC 8628 §6.1's alphabet: 20 consonants, no vowels (no words) and no look-alike digits.
 * Eight of them give 20^8 ≈ 2.6 × 10^10 codes (34 bits): guessing any one of even a thousand
 * pending codes takes about 2.6 × 10^7 failures, and failures are limited (10 per 15 minutes per
 * user, 50 per IP).
 */
export const USER_CODE_ALPHABET = 'BCDFGHJKLMNPQRSTVWXZ';
export const USER_CODE_LENGTH = 8;

const NORMALIZED = new RegExp(`^[${USER_CODE_ALPHABET}]{${USER_CODE_LENGTH}}$`);

/** A new user code in its stored form: eight letters, no dash. */
export function generateUserCode(): string {
  let code = '';
  for (let index = 0; index < USER_CODE_LENGTH; index++) code += USER_CODE_ALPHABET[randomInt(USER_CODE_ALPHABET.length)];
  return code;
}

/**
 * The stored form of a code as a person typed it: case does not matter, and dashes and spaces
 * are ignored (RFC 8628 §6.1). Undefined when it cannot be a user code.
 */
export function normalizeUserCode(input: string): string | undefined {
  const code = input.replace(/[\s-]/g, '');
  // ASCII only before changing case: 'ß'.toUpperCase() is 'SS'.
  return /^[A-Za-z]+$/.test(code) && NORMALIZED.test(code.toUpperCase()) ? code.toUpperCase() : undefined;
}

/** How a code is shown and printed: `WDJB-MJHT`. */
export function formatUserCode(code: string): string {
  return `${code.slice(0, 4)}-${code.slice(4)}`;
}
