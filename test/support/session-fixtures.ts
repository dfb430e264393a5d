import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { dialectOf, placeholder } from '../../src/database/dialect.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** A cross-app session to insert, and whether cleanup (1 hour's grace) must move it. */
export interface SessionSpec {
  readonly tokenHash: string;
  readonly createdAt: Date;
  readonly expiresAt: Date;
  readonly usedAt: Date | null;
  readonly revokedAt: Date | null;
  readonly dead: boolean;
}

/**
 * `count` sessions of every kind cleanup must tell apart, created over the last `days` days:
 * expired hours ago (dead), expired minutes ago (within the grace: live), revoked hours ago
 * though not expired (dead), revoked minutes ago (live), used and expired (dead), live unused,
 * live used, and revoked and expired hours ago (dead): half of them dead.
 */
export function sessionMix(count: number, now: number = Date.now(), days = 8): SessionSpec[] {
  const kinds: Array<() => Omit<SessionSpec, 'tokenHash' | 'createdAt'>> = [
    () => ({ expiresAt: new Date(now - 2 * HOUR), usedAt: null, revokedAt: null, dead: true }),
    () => ({ expiresAt: new Date(now - 30 * MINUTE), usedAt: null, revokedAt: null, dead: false }),
    () => ({ expiresAt: new Date(now + HOUR), usedAt: null, revokedAt: new Date(now - 2 * HOUR), dead: true }),
    () => ({ expiresAt: new Date(now + HOUR), usedAt: null, revokedAt: new Date(now - 10 * MINUTE), dead: false }),
    () => ({ expiresAt: new Date(now - 3 * HOUR), usedAt: new Date(now - 4 * HOUR), revokedAt: null, dead: true }),
    () => ({ expiresAt: new Date(now + HOUR), usedAt: null, revokedAt: null, dead: false }),
    () => ({ expiresAt: new Date(now + HOUR), usedAt: new Date(now - MINUTE), revokedAt: null, dead: false }),
    () => ({ expiresAt: new Date(now - 5 * HOUR), usedAt: null, revokedAt: new Date(now - 6 * HOUR), dead: true }),
  ];
  return Array.from({ length: count }, (_, index) => {
    const kind = kinds[index % kinds.length]!();
    // Spread over the days, and always before anything else happened to the session.
    const createdAt = new Date(Math.min(now - 7 * HOUR, kind.expiresAt.getTime()) - (index % days) * DAY - (index % 11) * MINUTE);
    return {
      tokenHash: randomBytes(32).toString('hex'),
      createdAt,
      expiresAt: kind.expiresAt,
      usedAt: kind.usedAt,
      revokedAt: kind.revokedAt,
      dead: kind.dead,
    };
  });
}

/** `count` sessions created `daysAgo` days ago, long expired. */
export function oldSessions(count: number, daysAgo: number, now: number = Date.now()): SessionSpec[] {
  return Array.from({ length: count }, (_, index) => ({
    tokenHash: randomBytes(32).toString('hex'),
    createdAt: new Date(now - daysAgo * DAY - index * MINUTE),
    expiresAt: new Date(now - daysAgo * DAY - index * MINUTE + 15 * MINUTE),
    usedAt: null,
    revokedAt: null,
    dead: true,
  }));
}

export async function insertUser(dataSource: DataSource, email: string): Promise<number> {
  const p = (index: number) => placeholder(dialectOf(dataSource), index);
  await dataSource.query(`INSERT INTO users (email, name) VALUES (${p(1)}, ${p(2)})`, [email, email]);
  const [row] = (await dataSource.query(`SELECT id FROM users WHERE email = ${p(1)}`, [email])) as Array<{ id: number }>;
  return Number(row!.id);
}

/** Inserts the sessions for `userId`, 500 a statement; returns the ids of the dead and live ones. */
export async function insertSessions(
  dataSource: DataSource,
  userId: number,
  specs: readonly SessionSpec[],
): Promise<{ dead: number[]; live: number[] }> {
  const dialect = dialectOf(dataSource);
  for (let start = 0; start < specs.length; start += 500) {
    const chunk = specs.slice(start, start + 500);
    let index = 0;
    const tuple = () => `(${Array.from({ length: 7 }, () => placeholder(dialect, ++index)).join(', ')})`;
    await dataSource.query(
      `INSERT INTO cross_app_sessions (token_hash, user_id, created_at, expires_at, used_at, revoked_at, ip_address)
       VALUES ${chunk.map(tuple).join(', ')}`,
      chunk.flatMap((spec) => [spec.tokenHash, userId, spec.createdAt, spec.expiresAt, spec.usedAt, spec.revokedAt, '192.0.2.7']),
    );
  }
  const rows = (await dataSource.query('SELECT id, token_hash FROM cross_app_sessions')) as Array<{ id: number; token_hash: string }>;
  const idOf = new Map(rows.map((row) => [row.token_hash, Number(row.id)]));
  const ids = (dead: boolean) => specs.filter((spec) => spec.dead === dead).map((spec) => idOf.get(spec.tokenHash)!);
  return { dead: ids(true), live: ids(false) };
}

/** The ids a table holds, ascending. */
export async function idsOf(dataSource: DataSource, table: 'cross_app_sessions' | 'cross_app_sessions_archive'): Promise<number[]> {
  const rows = (await dataSource.query(`SELECT id FROM ${table} ORDER BY id`)) as Array<{ id: number }>;
  return rows.map((row) => Number(row.id));
}
