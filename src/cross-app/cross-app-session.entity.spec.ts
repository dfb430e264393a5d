import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CrossAppSession } from './cross-app-session.entity.js';

function session(fields: Partial<CrossAppSession>): CrossAppSession {
  return Object.assign(new CrossAppSession(), { expiresAt: new Date(Date.now() + 60_000), ...fields });
}

describe('CrossAppSession computed properties', () => {
  test('isRevoked is false when revokedAt is null', () => {
    assert.equal(session({ revokedAt: null }).isRevoked, false);
  });

  test('isRevoked is false when revokedAt is undefined (the design documents said true)', () => {
    const notLoaded = session({});
    assert.equal(notLoaded.revokedAt, undefined);
    assert.equal(notLoaded.isRevoked, false);
    assert.equal(notLoaded.isActive, true);
  });

  test('a revoked session is not active', () => {
    const revoked = session({ revokedAt: new Date() });
    assert.equal(revoked.isRevoked, true);
    assert.equal(revoked.isActive, false);
  });

  test('an expired session is not active', () => {
    const expired = session({ expiresAt: new Date(Date.now() - 1_000) });
    assert.equal(expired.isExpired, true);
    assert.equal(expired.isActive, false);
  });
});
