import type { DataSource } from 'typeorm';
import { randomToken, sha256Hex } from '../../common/crypto.js';
import { CrossAppSessionRepository } from '../../cross-app/cross-app-session.repository.js';
import { UserRepository } from '../../directory/user.repository.js';
import { TargetAppRepository } from '../../target-apps/target-app.repository.js';
import { withDatabaseLock } from '../database-lock.js';

/** The design documents' development user (document 001, "Database Seeding"). */
export const DEMO_USER = { email: 'test@example.com', name: 'Test User' } as const;
export const DEMO_SOURCE_APP = 'test';
/** The demo's live session lives as long as the documents' one (15 minutes from the start). */
const LIVE_SECONDS = 15 * 60;
const EXPIRED_SECONDS = -5 * 60;

export interface DemoSeedOptions {
  /** The target app the demo sessions name; registered if it is not (the default target app). */
  readonly targetApp?: string;
  readonly newToken?: () => string;
}

export interface DemoSeedResult {
  readonly userId: number;
  /** False when the demo data was already there and nothing but the live session was touched. */
  readonly created: boolean;
  /** A new live session was written because none was live any more (every start renews it). */
  readonly renewed: boolean;
  /** The demo target app's shared secret when this call registered the app: shown once. */
  readonly appSecret: string | null;
}

/**
 * Creates the documents' test user and its two sessions: one live for 15 minutes, one that
 * expired 5 minutes ago, and registers the target app they name so that a handoff works at once.
 * Unlike the documents' seed, it stores real SHA-256 hashes of random tokens (the tokens themselves
 * are thrown away) and is idempotent, except that a demo whose live session has expired gets a new
 * one: the demo must still show a live session the day after the first start.
 */
export async function seedDemoData(dataSource: DataSource, options: DemoSeedOptions = {}): Promise<DemoSeedResult> {
  const targetApp = options.targetApp ?? 'hi-events';
  const newToken = options.newToken ?? randomToken;
  return withDatabaseLock(dataSource, 'seed', async () => {
    const users = new UserRepository(dataSource);
    const sessions = new CrossAppSessionRepository(dataSource);
    const appSecret = await registerDemoApp(dataSource, targetApp, newToken);
    const user = await users.findOrCreate(DEMO_USER.email, DEMO_USER.name);
    const existing = await sessions.findByUser(user.id, DEMO_SOURCE_APP);
    const insert = (ttlSeconds: number) =>
      sessions.insert({ tokenHash: sha256Hex(newToken()), userId: user.id, sourceApp: DEMO_SOURCE_APP, targetApp, ttlSeconds });
    if (existing.length === 0) {
      for (const ttlSeconds of [LIVE_SECONDS, EXPIRED_SECONDS]) await insert(ttlSeconds);
      return { userId: user.id, created: true, renewed: false, appSecret };
    }
    const live = existing.some((session) => session.isActive && session.usedAt == null);
    if (!live) await insert(LIVE_SECONDS);
    return { userId: user.id, created: false, renewed: !live, appSecret };
  });
}

async function registerDemoApp(dataSource: DataSource, name: string, newToken: () => string): Promise<string | null> {
  const apps = new TargetAppRepository(dataSource);
  if (await apps.findByName(name)) return null;
  const secret = newToken();
  await apps.insertWithSecret(name, [], sha256Hex(secret));
  return secret;
}
