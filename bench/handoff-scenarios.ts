import { createHash } from 'node:crypto';
import type pg from 'pg';
import type { BenchServer } from './bench-server.js';
import type { HttpScenario } from './load.js';

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

export interface Scenario {
  readonly name: string;
  readonly http: HttpScenario;
  /** The same SQL statements as the endpoint, issued directly with pg (PostgreSQL only). */
  readonly direct?: () => Promise<void>;
}

/** One simulated client: a user with its access token, and the target app it hands off to. */
export interface Client {
  readonly userId: number;
  readonly accessToken: string;
  readonly accessTokenHash: string;
  readonly jti: string;
  readonly app: string;
  readonly appSecret: string;
}

/**
 * A population of `count` users, each with an access token, each handing off to a target app of
 * its own: the load a deployment sees, rather than one user and one app whose rows every request
 * would fight over (and whose rate limits no real traffic would be allowed past).
 */
export async function population(server: BenchServer, count: number): Promise<Client[]> {
  const clients: Client[] = [];
  for (let index = 0; index < count; index++) {
    const email = `bench-${index}@example.com`;
    const user = await server.admin<{ id: number }>('POST', '/users', { email, name: `Bench ${index}` });
    const { access_token: accessToken } = await server.admin<{ access_token: string }>('POST', '/tokens', { email });
    const app = `bench-app-${index}`;
    const { secret } = await server.admin<{ secret: string }>('POST', '/apps', { name: app, origins: [] });
    const { jti } = JSON.parse(Buffer.from(accessToken.split('.')[1]!, 'base64url').toString()) as { jti: string };
    clients.push({ userId: user.id, accessToken, accessTokenHash: sha256(accessToken), jti, app, appSecret: secret });
  }
  return clients;
}

/** Round robin over the clients, one per request. */
function roundRobin<T>(items: readonly T[]): () => T {
  let next = 0;
  return () => items[next++ % items.length]!;
}

/** The statements of the user guard (registry and user, in parallel): see AuthenticationService. */
async function userGuardStatements(pool: pg.Pool, client: Client): Promise<void> {
  await Promise.all([
    pool.query('SELECT id, user_id FROM auth_user_tokens WHERE access_token = $1 AND jti = $2 AND disabled = $3', [
      client.accessTokenHash,
      client.jti,
      false,
    ]),
    pool.query('SELECT id, email, name FROM users WHERE id = $1 AND disabled_at IS NULL', [client.userId]),
  ]);
}

/**
 * The scenarios besides the hot path (hot-path.ts): an unauthenticated route, and the user guard
 * alone. Without a PostgreSQL server (PGlite, MariaDB) only their HTTP side runs.
 */
export function scenarios(clients: readonly Client[], pool: pg.Pool | undefined): Scenario[] {
  const nextClient = roundRobin(clients);
  return [
    { name: 'GET /health/live (no auth)', http: { path: '/health/live' } },
    {
      name: 'GET /api/me (user JWT)',
      http: { path: '/api/me', setup: () => ({ headers: { authorization: `Bearer ${nextClient().accessToken}` } }) },
      ...(pool ? { direct: () => userGuardStatements(pool, nextClient()) } : {}),
    },
  ];
}
