import { spawn } from 'node:child_process';
import type pg from 'pg';
import type { BenchServer } from './bench-server.js';
import { LIVE_EVERY, type LiveTokens } from './hot-path.js';
import { type Figures, measureHttp, measureHttpWhile } from './load.js';

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

/** `handoff cleanup --json` as an operator runs it, against the server's database. */
function runCleanup(server: BenchServer): Promise<{ archived: number; durationMs: number; longestBatchMs: number; batches: number }> {
  const child = spawn(process.execPath, ['bin/handoff.js', 'cleanup', '--json'], {
    cwd: server.root,
    env: { PATH: process.env.PATH, DATABASE_URL: server.databaseUrl, HANDOFF_KEY_ENCRYPTION_SECRET: server.database.keySecret },
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
 * SPEC §7's check on the `sessions` seeded by seed-sessions.ts (half dead): validate's latency
 * alone, then while `handoff cleanup` moves the dead ones to the archive; the statistics before
 * and after.
 */
export async function cleanupBenchmark(
  server: BenchServer,
  pool: pg.Pool,
  tokens: LiveTokens,
  options: { sessions: number; seedSeconds: number; seconds: number; connections: number },
): Promise<CleanupFigures> {
  const { seedSeconds } = options;
  const total = async () => Number((await pool.query<{ n: string }>('SELECT COUNT(*) AS n FROM cross_app_sessions')).rows[0]!.n);
  // The hot-path scenarios added live sessions of their own: only the seeded dead ones may go.
  const liveBefore = await total();
  // The live sessions were created within the last hour: validate marks them used meanwhile.
  const liveDays = new Set([new Date(), new Date(Date.now() - 3_600_000)].map((date) => date.toISOString().slice(0, 10)));
  const stats = async () =>
    (await server.admin<{ days: Array<{ date: string }> }>('GET', '/stats?days=15')).days.filter((day) => !liveDays.has(day.date));
  const statsBefore = await stats();

  const validate = tokens.validateScenario();
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
    verified: Number(counts.archived) === dead && Number(counts.live) === liveBefore - dead && Number(counts.both) === 0,
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
