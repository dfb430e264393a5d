import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decryptPrivateKey, encryptPrivateKey } from './key-encryption.js';

const SECRET = 'a-key-encryption-secret-of-32-chars!';
const PEM = '-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg\n-----END PRIVATE KEY-----\n';

describe('signing keys at rest', () => {
  test('round-trips, and the stored form shows nothing of the key', () => {
    const stored = encryptPrivateKey(SECRET, PEM, 'kid-1');
    assert.ok(stored.startsWith('v1.'));
    assert.ok(!stored.includes('PRIVATE KEY') && !stored.includes('MIGHAgEA'));
    assert.equal(decryptPrivateKey(SECRET, stored, 'kid-1'), PEM);
    assert.notEqual(encryptPrivateKey(SECRET, PEM, 'kid-1'), stored, 'a fresh IV each time');
  });

  test('refuses another secret, another key id, or a tampered ciphertext, without echoing either', () => {
    const stored = encryptPrivateKey(SECRET, PEM, 'kid-1');
    // Two characters that differ from the stored ones whatever they are.
    const tampered = `${stored.slice(0, -2)}${stored.endsWith('AA') ? 'BB' : 'AA'}`;
    const attempts = [
      () => decryptPrivateKey('another-secret-that-is-32-chars-long', stored, 'kid-1'),
      () => decryptPrivateKey(SECRET, stored, 'kid-2'),
      () => decryptPrivateKey(SECRET, tampered, 'kid-1'),
      () => decryptPrivateKey(SECRET, 'v0.x.y.z', 'kid-1'),
    ];
    for (const attempt of attempts) {
      assert.throws(attempt, (error: Error) => !error.message.includes(SECRET) && !error.message.includes(stored));
    }
  });
});
