import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import type pg from 'pg';
import type { BenchServer } from './bench-server.js';
import type { Client } from './handoff-scenarios.js';
import { type Figures, type HttpScenario, measureHttp, measureHttpWhile } from './load.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');
/** One session in five is live: the other 80 % expired or were revoked hours ago. */
const LIVE_EVERY = 5;
const SEED_CHUNK = 100_000;

export interface CleanupFigures {
  readonly sessions: number;
  readonly dead: number;
  readonly seedSeconds: number;
  readonly archived: number;
  readonly cleanupSeconds: number;
  readonly batches: number;
  readonly longestBatchMs: number;
  readonly validateAlone: Figures;
  readonly validateDuringCleanup: Figures;
  /** Live and archive hold exactly the live and the dead sessions, none in both. */
  readonly verified: boolean;
  /** Of the days before the live sessions' (which validate changes meanwhile). */
  readonly statsUnchanged: boolean;
}

/** The live sessions' tokens (`bench-<i>` hashed), so that validate has real tokens to trade. */
function liveToken(index: number): string {
  return sha256(`bench-${index}`);
}

/**
 * `count` sessions straight into the database, spread over 14 days, by clients in turn: every
 * fifth one live (its token known here), the others expired 2 h to 14 days ago, a third of them
 * used and a seventh revoked.
 */
async function seed(pool: pg.Pool, clients: readonly Client[], count: number): Promise<void> {
  for (let first = 1; first <= count; first += SEED_CHUNK) {
    const last = Math.min(count, first + SEED_CHUNK - 1);
    await pool.query(
      `INSERT INTO cross_app_sessions (token_hash, user_id, created_at, expires_at, used_at, revoked_at, target_app, user_agent, ip_address)
       SELECT CASE WHEN live THEN encode(sha256(convert_to(encode(sha256(convert_to('bench-' || i, 'UTF8')), 'hex'), 'UTF8')), 'hex')
                   ELSE md5(i::text) || md5('dead-' || i) END,
              ($3::int[])[1 + i % $5], created, created + INTERVAL '15 minutes' + CASE WHEN live THEN INTERVAL '3 hours' ELSE INTERVAL '0' END,
              CASE WHEN NOT live AND i % 3 = 0 THEN created + INTERVAL '1 minute' END,
              CASE WHEN NOT live AND i % 7 = 1 THEN created + INTERVAL '2 minutes' END,
              ($4::text[])[1 + i % $5], 'bench', '127.0.0.1'
       FROM (SELECT i, i % ${LIVE_EVERY} = 0 AS live,
                    CASE WHEN i % ${LIVE_EVERY} = 0 THEN statement_timestamp() - (i % 3600) * INTERVAL '1 second'
                         ELSE statement_timestamp() - INTERVAL '2 hours' - (i % 14) * INTERVAL '1 day' - (i % 600) * INTERVAL '1 minute' END AS created
             FROM generate_series($1::int, $2::int) AS i) s`,
      [first, last, clients.map((client) => client.userId), clients.map((client) => client.app), clients.length],
    );
    process.stderr.write(`  seeded ${last.toLocaleString('en')} sessions\n`);
  }
  // As autovacuum would soon: the baseline is measured on a settled table, not during its first vacuum.
  await pool.query('VACUUM ANALYZE cross_app_sessions');
}

/** Validations of the live sessions, each token once, clients in turn. */
function validateScenario(clients: readonly Client[], count: number): HttpScenario {
  let next = LIVE_EVERY;
  return {
    method: 'POST',
    path: '/api/cross-app/validate-session',
    setup: () => {
      const index = next;
      next = next + LIVE_EVERY > count ? LIVE_EVERY : next + LIVE_EVERY;
      const client = clients[index % clients.length]!;
      return { headers: { 'x-shared-secret': client.appSecret }, body: JSON.stringify({ session_token: liveToken(index) }) };
    },
  };
}

/** `handoff cleanup --json` as an operator runs it, against the server's database. */
function runCleanup(server: BenchServer): Promise<{ archived: number; durationMs: number; longestBatchMs: number; batches: number }> {
  const child = spawn(process.execPath, ['bin/handoff.js', 'cleanup', '--json'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, DATABASE_URL: server.databaseUrl, HANDOFF_KEY_ENCRYPTION_SECRET: randomBytes(24).toString('hex') },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => (code === 0 ? resolve(JSON.parse(stdout)) : reject(new Error(`handoff cleanup exited with ${code}`))));
  });
}

/**
 * SPEC §7's check: `count` sessions, 80 % dead; validate's latency alone, then while
 * `handoff cleanup` moves the dead ones to the archive; the statistics before and after.
 */
export async function cleanupBenchmark(
  server: BenchServer,
  pool: pg.Pool,
  clients: readonly Client[],
  options: { sessions: number; seconds: number; connections: number },
): Promise<CleanupFigures> {
  const seedStarted = performance.now();
  await pool.query('TRUNCATE cross_app_sessions');
  await seed(pool, clients, options.sessions);
  const seedSeconds = (performance.now() - seedStarted) / 1000;
  // The live sessions were created within the last hour: validate marks them used meanwhile.
  const liveDays = new Set([new Date(), new Date(Date.now() - 3_600_000)].map((date) => date.toISOString().slice(0, 10)));
  const stats = async () =>
    (await server.admin<{ days: Array<{ date: string }> }>('GET', '/stats?days=15')).days.filter((day) => !liveDays.has(day.date));
  const statsBefore = await stats();

  const validate = validateScenario(clients, options.sessions);
  process.stderr.write('measuring validate alone…\n');
  const validateAlone = await measureHttp(server.url, validate, options.seconds, options.connections);
  process.stderr.write('measuring validate during handoff cleanup…\n');
  const cleanup = runCleanup(server);
  const validateDuringCleanup = await measureHttpWhile(server.url, validate, options.connections, cleanup);
  const result = await cleanup;

  const dead = options.sessions - Math.floor(options.sessions / LIVE_EVERY);
  const { rows } = await pool.query<{ live: string; archived: string; both: string }>(`
    SELECT (SELECT COUNT(*) FROM cross_app_sessions) AS live,
           (SELECT COUNT(*) FROM cross_app_sessions_archive) AS archived,
           (SELECT COUNT(*) FROM cross_app_sessions s JOIN cross_app_sessions_archive a USING (id)) AS both`);
  const counts = rows[0]!;
  return {
    sessions: options.sessions,
    dead,
    seedSeconds,
    archived: result.archived,
    cleanupSeconds: result.durationMs / 1000,
    batches: result.batches,
    longestBatchMs: result.longestBatchMs,
    validateAlone,
    validateDuringCleanup,
    verified: Number(counts.archived) === dead && Number(counts.live) === options.sessions - dead && Number(counts.both) === 0,
    statsUnchanged: JSON.stringify(await stats()) === JSON.stringify(statsBefore),
  };
}

export function printCleanup(figures: CleanupFigures): void {
  const out = (line: string) => process.stdout.write(`${line}\n`);
  const latency = (label: string, f: Figures) =>
    out(`  ${label.padEnd(34)}${String(f.requestsPerSecond).padStart(8)} req/s   p50 ${f.p50} ms   p99 ${f.p99} ms   failed ${f.failures}`);
  out(`\nCleanup — ${figures.sessions.toLocaleString('en')} sessions on PostgreSQL, ${figures.dead.toLocaleString('en')} dead (seeded in ${figures.seedSeconds.toFixed(0)} s)`);
  out(`  handoff cleanup: moved ${figures.archived.toLocaleString('en')} in ${figures.cleanupSeconds.toFixed(1)} s, ${figures.batches} batches, longest batch ${figures.longestBatchMs} ms`);
  out(`  every dead session archived, every live one kept, none in both: ${figures.verified ? 'yes' : 'NO'}`);
  out(`  statistics of the past 14 days the same before and after: ${figures.statsUnchanged ? 'yes' : 'NO'}`);
  latency('validate-session, no cleanup', figures.validateAlone);
  latency('validate-session, during cleanup', figures.validateDuringCleanup);
}
