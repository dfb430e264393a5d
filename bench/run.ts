import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import pg from 'pg';
import { BenchDatabaseHandle, type BenchProcess, BenchServer, mariadbReachable, postgresReachable, startReference } from './bench-server.js';
import { cleanupBenchmark, type CleanupFigures, printCleanup } from './cleanup-scenario.js';
import { type Client, population, scenarios } from './handoff-scenarios.js';
import { generateScenario, type HotPathResult, hotPathResult, LiveTokens, measureInterleaved, printHotPath, type ServiceFigures } from './hot-path.js';
import { type Figures, measureDirect, measureHttp } from './load.js';
import { seedSessions } from './seed-sessions.js';

/**
 * `npm run bench`: Handoff (its own process) under load from autocannon, beside the hand-written
 * reference service (bench/reference, its own process), in the same run, on the same database
 * of `--sessions` seeded sessions (default 1,000,000): generate-session and validate-session on
 * PostgreSQL with rate-limit counters in PostgreSQL (the default) and in Redis, then on MariaDB;
 * then the user guard alone and, on PostgreSQL, the cleanup scenario. Figures also go to a JSON
 * file (`--json`, default bench-results.json). Bounded: each measurement warms up (10,000 requests
 * and at least 2 s, at most 20 s: load.ts's warmUp), then runs `--seconds` (default 10).
 * Options: --database postgres|pglite, --connections N (16), --only hotpath|cleanup,
 * --no-mariadb, --mariadb-sessions N (100,000), --handoff-root DIR (another checkout's build instead of this one's),
 * --baseline-root DIR (another checkout's build beside this one's, interleaved in the same run: a before/after).
 */
function option(name: string, fallback: string): string {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? (process.argv[index + 1] ?? fallback) : fallback;
}
const flag = (name: string) => process.argv.includes(`--${name}`);

interface Settings {
  readonly seconds: number;
  readonly connections: number;
  readonly sessions: number;
  /** Fewer on MariaDB: its bulk insert of a million hashed rows takes minutes here. */
  readonly mariadbSessions: number;
  readonly root: string | undefined;
  /** Another checkout's build measured in the same interleaved run (`--baseline-root`). */
  readonly baselineRoot: string | undefined;
}

interface Output {
  hotPath: HotPathResult[];
  references: Record<string, ServiceFigures>;
  other: Array<{ scenario: string; http: Figures; direct: Figures | undefined }>;
  cleanup?: CleanupFigures;
}

async function withDatabase<T>(kind: 'postgres' | 'pglite' | 'mariadb', work: (database: BenchDatabaseHandle) => Promise<T>): Promise<T> {
  const database = await BenchDatabaseHandle.create(kind);
  try {
    return await work(database);
  } finally {
    await database.drop();
  }
}

async function stopAll(processes: ReadonlyArray<BenchProcess | undefined>): Promise<void> {
  await Promise.all(processes.map((process) => process?.stop()));
}

/** Each endpoint on each service in turn: the reference first, then Handoff's configurations. */
async function hotPath(
  services: ReadonlyArray<{ server: BenchProcess; counters: HotPathResult['counters']; build?: HotPathResult['build'] }>,
  reference: BenchProcess | undefined,
  database: string,
  clients: readonly Client[],
  tokens: LiveTokens | undefined,
  settings: Settings,
  output: Output,
): Promise<void> {
  for (const endpoint of ['generate', 'validate'] as const) {
    if (endpoint === 'validate' && !tokens) continue;
    const scenario = () => (endpoint === 'generate' ? generateScenario(clients) : tokens!.validateScenario());
    process.stderr.write(
      `measuring ${endpoint} (${database}): ${[reference ? 'the reference' : undefined, ...services.map((service) => `Handoff${service.build === 'baseline' ? ' (baseline)' : ''}, counters in ${service.counters}`)].filter(Boolean).join('; ')}, interleaved…\n`,
    );
    const all = [...(reference ? [reference] : []), ...services.map((service) => service.server)];
    const figures = await measureInterleaved(all, scenario, settings.seconds, settings.connections);
    const referenceFigures = reference ? figures.shift() : undefined;
    if (referenceFigures) output.references[`${endpoint} ${database}`] = referenceFigures;
    for (const [index, { counters, build }] of services.entries()) {
      output.hotPath.push(hotPathResult(endpoint, database, counters, figures[index]!, referenceFigures, build));
    }
  }
}

async function seeded(database: BenchDatabaseHandle, clients: readonly Client[], sessions: number): Promise<number> {
  process.stderr.write(`seeding ${sessions.toLocaleString('en')} sessions (${database.kind})…\n`);
  const started = performance.now();
  await seedSessions(database.url!, clients, sessions);
  return (performance.now() - started) / 1000;
}

async function onPostgres(settings: Settings, only: string | undefined, output: Output): Promise<void> {
  await withDatabase('postgres', async (database) => {
    const server = await BenchServer.start(database, { root: settings.root });
    let redisServer: BenchServer | undefined;
    let reference: BenchProcess | undefined;
    const baselines: BenchServer[] = [];
    const pool = new pg.Pool({ connectionString: database.url, max: 16 });
    try {
      const clients = await population(server, settings.connections);
      const seedSeconds = await seeded(database, clients, settings.sessions);
      const tokens = new LiveTokens(clients, settings.sessions);
      if (only !== 'cleanup') {
        const redis = await redisReachable();
        const redisEnv = () => ({ REDIS_URL: 'redis://127.0.0.1:6379', REDIS_KEY_PREFIX: `bench-${randomBytes(4).toString('hex')}` });
        redisServer = redis ? await BenchServer.start(database, { root: settings.root, env: redisEnv() }) : undefined;
        if (settings.baselineRoot) {
          baselines.push(await BenchServer.start(database, { root: settings.baselineRoot }));
          if (redis) baselines.push(await BenchServer.start(database, { root: settings.baselineRoot, env: redisEnv() }));
        }
        reference = await startReference(database);
        const services = [
          { server: server as BenchProcess, counters: 'postgres' as const },
          ...(redisServer ? [{ server: redisServer, counters: 'redis' as const }] : []),
          ...baselines.map((baseline, index) => ({ server: baseline as BenchProcess, counters: index === 0 ? ('postgres' as const) : ('redis' as const), build: 'baseline' as const })),
        ];
        await hotPath(services, reference, 'postgres', clients, tokens, settings, output);
        await stopAll([reference, redisServer, ...baselines]);
        printHotPath(settings.connections, output.hotPath, new Map(Object.entries(output.references)));
      }
      if (!only) await otherScenarios(server, clients, pool, settings, output);
      if (only !== 'hotpath') {
        process.stderr.write('cleanup scenario…\n');
        output.cleanup = await cleanupBenchmark(server, pool, tokens, { sessions: settings.sessions, seedSeconds, seconds: settings.seconds, connections: settings.connections });
      }
    } finally {
      await pool.end();
      await stopAll([server, redisServer, reference, ...baselines]);
    }
  });
}

async function onMariadb(settings: Settings, output: Output): Promise<void> {
  await withDatabase('mariadb', async (database) => {
    const server = await BenchServer.start(database, { root: settings.root });
    try {
      const clients = await population(server, settings.connections);
      await seeded(database, clients, settings.mariadbSessions);
      await hotPath([{ server, counters: 'mariadb' }], undefined, 'mariadb', clients, new LiveTokens(clients, settings.mariadbSessions), settings, output);
    } finally {
      await server.stop();
    }
  });
}

async function onPglite(settings: Settings, output: Output): Promise<void> {
  await withDatabase('pglite', async (database) => {
    const server = await BenchServer.start(database, { root: settings.root });
    try {
      const clients = await population(server, settings.connections);
      await hotPath([{ server, counters: 'postgres' }], undefined, 'pglite', clients, undefined, settings, output);
      await otherScenarios(server, clients, undefined, settings, output);
    } finally {
      await server.stop();
    }
  });
}

async function otherScenarios(server: BenchServer, clients: readonly Client[], pool: pg.Pool | undefined, settings: Settings, output: Output): Promise<void> {
  for (const scenario of scenarios(clients, pool)) {
    process.stderr.write(`measuring ${scenario.name}…\n`);
    const http = await measureHttp(server.url, scenario.http, settings.seconds, settings.connections);
    const direct = scenario.direct ? await measureDirect(scenario.direct, settings.seconds, settings.connections) : undefined;
    output.other.push({ scenario: scenario.name, http, direct });
  }
}

function printOther(connections: number, rows: Output['other']): void {
  if (rows.length === 0) return;
  const cell = (value: string | number, width = 10) => String(value).padStart(width);
  process.stdout.write(`\nOther routes — ${connections} clients (beside them: the same SQL straight through pg)\n`);
  process.stdout.write(`${'scenario'.padEnd(28)}${cell('req/s')}${cell('p50 ms')}${cell('p99 ms')}${cell('failed')}  |${cell('pg req/s')}${cell('pg p99')}${cell('ratio', 8)}\n`);
  for (const { scenario, http, direct } of rows) {
    const ratio = direct ? `${Math.round((http.requestsPerSecond / direct.requestsPerSecond) * 100)}%` : '';
    process.stdout.write(
      `${scenario.padEnd(28)}${cell(http.requestsPerSecond)}${cell(http.p50)}${cell(http.p99)}${cell(http.failures)}  |${cell(direct?.requestsPerSecond ?? '')}${cell(direct?.p99 ?? '')}${cell(ratio, 8)}\n`,
    );
  }
}

async function redisReachable(): Promise<boolean> {
  const { createConnection } = await import('node:net');
  return new Promise((resolve) => {
    const socket = createConnection(6379, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

async function main(): Promise<void> {
  const database = option('database', (await postgresReachable()) ? 'postgres' : 'pglite');
  const only = process.argv.includes('cleanup') ? 'cleanup' : option('only', '') || undefined;
  const settings: Settings = {
    seconds: Number(option('seconds', '10')),
    connections: Number(option('connections', '16')),
    sessions: Number(option('sessions', '1000000')),
    mariadbSessions: Number(option('mariadb-sessions', '100000')),
    root: process.argv.includes('--handoff-root') ? option('handoff-root', '') : undefined,
    baselineRoot: process.argv.includes('--baseline-root') ? option('baseline-root', '') : undefined,
  };
  const output: Output = { hotPath: [], references: {}, other: [] };
  const started = performance.now();
  if (database === 'postgres') await onPostgres(settings, only, output);
  else await onPglite(settings, output);
  if (database === 'postgres' && only !== 'cleanup' && !flag('no-mariadb') && (await mariadbReachable())) await onMariadb(settings, output);

  printHotPath(settings.connections, output.hotPath, new Map(Object.entries(output.references)));
  printOther(settings.connections, output.other);
  if (output.cleanup) printCleanup(output.cleanup);
  const file = option('json', 'bench-results.json');
  const run = { date: new Date().toISOString(), seconds: settings.seconds, connections: settings.connections, sessions: settings.sessions, durationSeconds: Math.round((performance.now() - started) / 1000) };
  await writeFile(file, `${JSON.stringify({ run, scenarios: output.hotPath, references: output.references, other: output.other, cleanup: output.cleanup ?? null }, null, 2)}\n`);
  process.stdout.write(`\nfigures written to ${file} (${run.durationSeconds} s)\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
