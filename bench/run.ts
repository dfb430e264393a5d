import autocannon from 'autocannon';
import { type BenchDatabase, BenchServer, postgresReachable } from './bench-server.js';

/**
 * `npm run bench`: load on a Handoff server, printed as requests/s and latency percentiles.
 * Bounded: each scenario warms up, then runs for a fixed time at a fixed number of connections.
 * Options: --database postgres|pglite (default: postgres when reachable), --seconds N (default 10),
 * --connections N (default 16).
 */
interface Scenario {
  readonly name: string;
  readonly path: string;
  readonly headers?: Record<string, string>;
}

interface Figures {
  readonly scenario: string;
  readonly requestsPerSecond: number;
  readonly p50: number;
  readonly p99: number;
  readonly non2xx: number;
  readonly errors: number;
}

function option(name: string, fallback: string): string {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? (process.argv[index + 1] ?? fallback) : fallback;
}

async function measure(url: string, scenario: Scenario, seconds: number, connections: number): Promise<Figures> {
  const run = (duration: number) =>
    autocannon({ url: `${url}${scenario.path}`, headers: scenario.headers, connections, duration, pipelining: 1 });
  await run(Math.min(2, seconds));
  const result = await run(seconds);
  return {
    scenario: scenario.name,
    requestsPerSecond: Math.round(result.requests.average),
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
  };
}

function print(database: string, connections: number, rows: readonly Figures[]): void {
  process.stdout.write(`\nHandoff benchmark — ${database}, ${connections} connections\n`);
  process.stdout.write(`${'scenario'.padEnd(40)}${'req/s'.padStart(10)}${'p50 ms'.padStart(10)}${'p99 ms'.padStart(10)}${'non-2xx'.padStart(10)}\n`);
  for (const row of rows) {
    process.stdout.write(
      `${row.scenario.padEnd(40)}${String(row.requestsPerSecond).padStart(10)}${String(row.p50).padStart(10)}` +
        `${String(row.p99).padStart(10)}${String(row.non2xx + row.errors).padStart(10)}\n`,
    );
  }
}

async function main(): Promise<void> {
  const database = option('database', (await postgresReachable()) ? 'postgres' : 'pglite') as BenchDatabase;
  const seconds = Number(option('seconds', '10'));
  const connections = Number(option('connections', '16'));
  process.stderr.write(`starting Handoff on ${database}…\n`);
  const server = await BenchServer.start(database);
  try {
    await server.admin('POST', '/users', { email: 'bench@example.com', name: 'Bench' });
    const { accessToken } = await server.admin<{ accessToken: string }>('POST', '/tokens', { email: 'bench@example.com' });
    const scenarios: Scenario[] = [
      { name: 'GET /health/live (no auth)', path: '/health/live' },
      { name: 'GET /api/me (user JWT + registry)', path: '/api/me', headers: { authorization: `Bearer ${accessToken}` } },
    ];
    const rows: Figures[] = [];
    for (const scenario of scenarios) {
      process.stderr.write(`measuring ${scenario.name} for ${seconds} s…\n`);
      rows.push(await measure(server.url, scenario, seconds, connections));
    }
    print(database, connections, rows);
  } finally {
    await server.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench: ${(error as Error).message}\n`);
  process.exit(1);
});
