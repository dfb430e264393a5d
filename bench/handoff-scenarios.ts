import { createHash, randomBytes } from 'node:crypto';
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
  /** Handoff tokens waiting to be validated, for this user and app. */
  readonly handoffTokens: string[];
}

export interface Databases {
  /** The database with durable commits, for sessions and tokens. */
  readonly pool: pg.Pool;
  /** Like the service's rate-limit counters: asynchronous commit. */
  readonly counterPool: pg.Pool;
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
    const { accessToken } = await server.admin<{ accessToken: string }>('POST', '/tokens', { email });
    const app = `bench-app-${index}`;
    const { secret } = await server.admin<{ secret: string }>('POST', '/apps', { name: app, origins: [] });
    const { jti } = JSON.parse(Buffer.from(accessToken.split('.')[1]!, 'base64url').toString()) as { jti: string };
    clients.push({ userId: user.id, accessToken, accessTokenHash: sha256(accessToken), jti, app, appSecret: secret, handoffTokens: [] });
  }
  return clients;
}

/**
 * Handoff tokens for the validate scenarios, written straight into the database (as hashes, like
 * generate does) so that the load is validations only.
 */
async function prepareHandoffTokens(pool: pg.Pool, clients: readonly Client[], perClient: number): Promise<void> {
  for (const client of clients) {
    const tokens = Array.from({ length: perClient }, () => randomBytes(32).toString('hex'));
    await pool.query(
      `INSERT INTO cross_app_sessions (token_hash, user_id, expires_at, target_app)
       SELECT h, $2, statement_timestamp() + INTERVAL '1 hour', $3 FROM unnest($1::text[]) AS h`,
      [tokens.map(sha256), client.userId, client.app],
    );
    client.handoffTokens.push(...tokens);
  }
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

/** rate-limiter-flexible's PostgreSQL upsert, as it sends it. */
async function rateLimitStatement(pool: pg.Pool, key: string): Promise<void> {
  const table = '"rate_limits"';
  await pool.query({
    name: 'rate_limits:rlflx-upsert',
    text: `
            INSERT INTO ${table} VALUES ($1, $2, $3)
              ON CONFLICT(key) DO UPDATE SET
                points = CASE
                          WHEN (${table}.expire <= $4 OR 1=0) THEN $2
                          ELSE ${table}.points + ($2)
                         END,
                expire =  CASE
             WHEN ${table}.expire <= $4 THEN $3
             ELSE ${table}.expire
            END 
            RETURNING points, expire;`,
    values: [key, 1, Date.now() + 60_000, Date.now()],
  });
}

/** The target app's look-up is cached by the service (2 s), so it is not repeated here. */
async function generateStatements({ pool, counterPool }: Databases, client: Client): Promise<void> {
  await userGuardStatements(pool, client);
  await rateLimitStatement(counterPool, `generate:${client.userId}`);
  await pool.query(
    `INSERT INTO cross_app_sessions (token_hash, user_id, account_id, expires_at, source_app, target_app, user_agent, ip_address)
     VALUES ($1, $2, $3, statement_timestamp() + INTERVAL '900 seconds', $4, $5, $6, $7) RETURNING id, expires_at`,
    [sha256(randomBytes(32).toString('hex')), client.userId, null, 'tuvens', client.app, 'bench', '127.0.0.1'],
  );
}

/** The app's look-up by secret is cached by the service (2 s), so it is not repeated here. */
async function validateStatements({ pool, counterPool }: Databases, client: Client, token: string): Promise<void> {
  await rateLimitStatement(counterPool, `validate:${client.app}`);
  const { rows } = await pool.query(
    `WITH consumed AS (UPDATE cross_app_sessions SET used_at = statement_timestamp()
       WHERE token_hash = $1 AND target_app = $2 AND used_at IS NULL AND revoked_at IS NULL AND expires_at > statement_timestamp()
       RETURNING id, user_id, account_id, target_app, expires_at, used_at, revoked_at)
     SELECT s.id, s.user_id, s.account_id, s.target_app, s.expires_at, s.used_at, s.revoked_at, u.email, u.name, m.role
     FROM consumed s
     LEFT JOIN users u ON u.id = s.user_id AND u.disabled_at IS NULL
     LEFT JOIN account_members m ON m.user_id = s.user_id AND m.account_id = s.account_id`,
    [sha256(token), client.app],
  );
  if (rows.length !== 1) throw new Error('the token was not consumed');
}

/**
 * The scenarios. Without a PostgreSQL server (PGlite) only the HTTP side of the first three runs.
 * `handoffTokensPerClient` must cover both validate runs (HTTP and direct) at the expected rate.
 */
export async function scenarios(clients: readonly Client[], databases: Databases | undefined, handoffTokensPerClient: number): Promise<Scenario[]> {
  const nextClient = roundRobin(clients);
  const list: Scenario[] = [
    { name: 'GET /health/live (no auth)', http: { path: '/health/live' } },
    {
      name: 'GET /api/me (user JWT)',
      http: { path: '/api/me', setup: () => ({ headers: { authorization: `Bearer ${nextClient().accessToken}` } }) },
      ...(databases ? { direct: () => userGuardStatements(databases.pool, nextClient()) } : {}),
    },
    {
      name: 'POST generate-session',
      http: {
        method: 'POST',
        path: '/api/cross-app/generate-session',
        setup: () => {
          const client = nextClient();
          return { headers: { authorization: `Bearer ${client.accessToken}` }, body: JSON.stringify({ target_app: client.app }) };
        },
      },
      ...(databases ? { direct: () => generateStatements(databases, nextClient()) } : {}),
    },
  ];
  if (databases) {
    await prepareHandoffTokens(databases.pool, clients, handoffTokensPerClient);
    list.push({
      name: 'POST validate-session',
      http: {
        method: 'POST',
        path: '/api/cross-app/validate-session',
        setup: () => {
          const client = nextClient();
          return { headers: { 'x-shared-secret': client.appSecret }, body: JSON.stringify({ session_token: client.handoffTokens.pop() }) };
        },
      },
      direct: () => {
        const client = nextClient();
        return validateStatements(databases, client, client.handoffTokens.pop()!);
      },
    });
  }
  return list;
}
