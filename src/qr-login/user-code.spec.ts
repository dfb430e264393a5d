import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { formatUserCode, generateUserCode, normalizeUserCode, USER_CODE_ALPHABET } from './user-code.js';

describe('user codes', () => {
  test('are eight letters of the RFC 8628 consonant alphabet, shown with a dash', () => {
    const codes = Array.from({ length: 500 }, generateUserCode);
    for (const code of codes) assert.match(code, /^[BCDFGHJKLMNPQRSTVWXZ]{8}$/);
    assert.equal(USER_CODE_ALPHABET.length, 20);
    // Every letter turns up: the draw covers the whole alphabet.
    assert.equal(new Set(codes.join('')).size, 20);
    assert.equal(formatUserCode('WDJBMJHT'), 'WDJB-MJHT');
  });

  test('are compared ignoring case, dashes and spaces', () => {
    for (const typed of ['WDJB-MJHT', 'wdjb-mjht', 'wdjbmjht', ' WdJb MjHt ', 'W-D-J-B-M-J-H-T']) {
      assert.equal(normalizeUserCode(typed), 'WDJBMJHT', typed);
    }
  });

  test('refuse anything outside the alphabet or of another length', () => {
    for (const typed of ['WDJB-MJH', 'WDJB-MJHTX', 'AEIO-UUUU', 'WDJB-MJH1', '', '--------', 'WDJB_MJHT', 'ẞDJB-MJHT', 'ßDJB-MJH']) {
      assert.equal(normalizeUserCode(typed), undefined, typed);
    }
  });
});
