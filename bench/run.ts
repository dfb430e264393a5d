import pg from 'pg';
import { type BenchDatabase, BenchServer, postgresReachable } from './bench-server.js';
import { population, type Scenario, scenarios } from './handoff-scenarios.js';
import { cleanupBenchmark, printCleanup } from './cleanup-scenario.js';
import { type Figures, measureDirect, measureHttp } from './load.js';

/**
 * `npm run bench`: load on a Handoff server (its own process), printed as requests/s and latency
 * percentiles, next to the ceiling of the same SQL statements issued directly with `pg` at the
 * same concurrency. Bounded: each scenario warms up, then runs a fixed time. Then, on PostgreSQL,
 * the cleanup scenario (cleanup-scenario.ts). `npm run bench -- cleanup` runs only that one.
 * Options: --database postgres|pglite (default: postgres when reachable), --seconds N (default 10),
 * --connections N (default 16), --sessions N (cleanup; default 1,000,000).
 */
function option(name: string, fallback: string): string {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? (process.argv[index + 1] ?? fallback) : fallback;
}

interface Row {
  readonly scenario: string;
  readonly http: Figures;
  readonly direct: Figures | undefined;
}

function print(database: string, connections: number, rows: readonly Row[]): void {
  const cell = (value: string | number, width = 10) => String(value).padStart(width);
  process.stdout.write(
    `\nHandoff benchmark — ${database}, ${connections} concurrent clients, each its own user and target app (load generator on the same machine)\n`,
  );
  process.stdout.write(
    `${'scenario'.padEnd(28)}${cell('req/s')}${cell('p50 ms')}${cell('p99 ms')}${cell('failed')}  |${cell('pg req/s')}${cell('pg p50')}${cell('pg p99')}${cell('ratio', 8)}\n`,
  );
  for (const { scenario, http, direct } of rows) {
    const ratio = direct ? `${Math.round((http.requestsPerSecond / direct.requestsPerSecond) * 100)}%` : '';
    process.stdout.write(
      `${scenario.padEnd(28)}${cell(http.requestsPerSecond)}${cell(http.p50)}${cell(http.p99)}${cell(http.failures)}  |` +
        `${cell(direct?.requestsPerSecond ?? '')}${cell(direct?.p50 ?? '')}${cell(direct?.p99 ?? '')}${cell(ratio, 8)}\n`,
    );
  }
}

async function main(): Promise<void> {
  const database = option('database', (await postgresReachable()) ? 'postgres' : 'pglite') as BenchDatabase;
  const seconds = Number(option('seconds', '10'));
  const connections = Number(option('connections', '16'));
  const sessions = Number(option('sessions', '1000000'));
  const onlyCleanup = process.argv.slice(2).includes('cleanup');
  process.stderr.write(`starting Handoff on ${database}…\n`);
  const server = await BenchServer.start(database);
  const pool = server.databaseUrl ? new pg.Pool({ connectionString: server.databaseUrl, max: 20 }) : undefined;
  const counterPool = server.databaseUrl
    ? new pg.Pool({ connectionString: server.databaseUrl, max: 10, options: '-c synchronous_commit=off' })
    : undefined;
  try {
    // One user and one target app per concurrent client (see population()).
    const clients = await population(server, connections);
    if (!onlyCleanup) {
      // Enough handoff tokens for two validate runs at up to 10,000 validations a second.
      const perClient = Math.ceil((2 * 10_000 * (seconds + 2)) / connections);
      const list: Scenario[] = await scenarios(clients, pool && counterPool ? { pool, counterPool } : undefined, perClient);
      const rows: Row[] = [];
      for (const scenario of list) {
        process.stderr.write(`measuring ${scenario.name}…\n`);
        const http = await measureHttp(server.url, scenario.http, seconds, connections);
        const direct = scenario.direct ? await measureDirect(scenario.direct, seconds, connections) : undefined;
        rows.push({ scenario: scenario.name, http, direct });
      }
      print(database, connections, rows);
    }
    if (!pool) {
      process.stdout.write('\nCleanup scenario: needs PostgreSQL (skipped on PGlite)\n');
    } else {
      process.stderr.write(`cleanup scenario: seeding ${sessions.toLocaleString('en')} sessions…\n`);
      printCleanup(await cleanupBenchmark(server, pool, clients, { sessions, seconds, connections }));
    }
  } finally {
    await Promise.all([pool?.end(), counterPool?.end()]);
    await server.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench: ${(error as Error).message}\n`);
  process.exit(1);
});
