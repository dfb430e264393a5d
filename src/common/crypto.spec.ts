import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { constantTimeEqual, randomToken, sha256Hex } from './crypto.js';

describe('crypto helpers', () => {
  test('tokens are 64 lowercase hex characters and do not repeat', () => {
    const tokens = new Set(Array.from({ length: 1_000 }, randomToken));
    assert.equal(tokens.size, 1_000);
    for (const token of tokens) assert.match(token, /^[0-9a-f]{64}$/);
  });

  test('sha256Hex gives the standard digest', () => {
    assert.equal(sha256Hex('abc'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  test('constantTimeEqual compares values of any length', () => {
    assert.equal(constantTimeEqual('secret', 'secret'), true);
    assert.equal(constantTimeEqual('secret', 'secreT'), false);
    assert.equal(constantTimeEqual('secret', 'secret-but-longer'), false);
    assert.equal(constantTimeEqual('', ''), true);
  });
});
