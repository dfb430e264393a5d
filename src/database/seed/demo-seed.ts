import type { DataSource } from 'typeorm';
import { randomToken, sha256Hex } from '../../common/crypto.js';
import { CrossAppSessionRepository } from '../../cross-app/cross-app-session.repository.js';
import { UserRepository } from '../../directory/user.repository.js';
import { withDatabaseLock } from '../database-lock.js';

/** The design documents' development user (document 001, "Database Seeding"). */
export const DEMO_USER = { email: 'test@example.com', name: 'Test User' } as const;
export const DEMO_SOURCE_APP = 'test';

export interface DemoSeedResult {
  readonly userId: number;
  /** False when the demo data was already there and nothing was written. */
  readonly created: boolean;
}

/**
 * Creates the documents' test user and its two sessions: one live for 15 minutes, one that
 * expired 5 minutes ago. Unlike the documents' seed, it stores real SHA-256 hashes of random
 * tokens (the tokens themselves are thrown away) and is idempotent: once the user has demo
 * sessions, running it again writes nothing.
 */
export async function seedDemoData(
  dataSource: DataSource,
  newToken: () => string = randomToken,
): Promise<DemoSeedResult> {
  return withDatabaseLock(dataSource, 'seed', async () => {
    const users = new UserRepository(dataSource);
    const sessions = new CrossAppSessionRepository(dataSource);
    const user = await users.findOrCreate(DEMO_USER.email, DEMO_USER.name);
    if ((await sessions.findByUser(user.id, DEMO_SOURCE_APP)).length > 0) {
      return { userId: user.id, created: false };
    }
    for (const ttlSeconds of [15 * 60, -5 * 60]) {
      await sessions.insert({
        tokenHash: sha256Hex(newToken()),
        userId: user.id,
        sourceApp: DEMO_SOURCE_APP,
        targetApp: 'hi-events',
        ttlSeconds,
      });
    }
    return { userId: user.id, created: true };
  });
}
