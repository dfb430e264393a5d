import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

const FORMAT_VERSION = 'v1';
const HKDF_SALT = 'handoff/signing-keys/v1';

/**
 * Private signing keys at rest: AES-256-GCM under a key derived (HKDF-SHA256) from
 * HANDOFF_KEY_ENCRYPTION_SECRET. The key id is bound in as additional data, so a ciphertext
 * copied onto another key's row does not decrypt.
 */
export function encryptPrivateKey(secret: string, plaintext: string, kid: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', deriveKey(secret), iv).setAAD(Buffer.from(kid, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return [FORMAT_VERSION, iv, cipher.getAuthTag(), ciphertext]
    .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
    .join('.');
}

export function decryptPrivateKey(secret: string, encoded: string, kid: string): string {
  const [version, iv, tag, ciphertext] = encoded.split('.');
  if (version !== FORMAT_VERSION || !iv || !tag || ciphertext === undefined) {
    throw new Error(`signing key ${kid}: unknown encryption format`);
  }
  const decipher = createDecipheriv('aes-256-gcm', deriveKey(secret), Buffer.from(iv, 'base64url'))
    .setAAD(Buffer.from(kid, 'utf8'))
    .setAuthTag(Buffer.from(tag, 'base64url'));
  try {
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
  } catch {
    // Never the secret or the ciphertext in the message.
    throw new Error(`signing key ${kid}: cannot decrypt (is HANDOFF_KEY_ENCRYPTION_SECRET the one it was created with?)`);
  }
}

function deriveKey(secret: string): Buffer {
  return Buffer.from(hkdfSync('sha256', Buffer.from(secret, 'utf8'), HKDF_SALT, '', 32));
}
