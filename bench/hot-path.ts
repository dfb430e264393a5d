import { createHash } from 'node:crypto';
import type { BenchProcess } from './bench-server.js';
import type { Client } from './handoff-scenarios.js';
import { type Figures, type HttpScenario, measureHttp, warmUp } from './load.js';

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');
/**
 * One seeded session in two is live (its token known to the bench); see seed-sessions.ts. A quiet
 * machine validates ~8,000 tokens a second on the reference: a hot-path run with a baseline takes
 * ~330,000 of them, more than one in five of a million.
 */
export const LIVE_EVERY = 2;

/** A handoff token of a seeded live session: `bench-<index>`, hashed. */
export function liveToken(index: number): string {
  return sha256(`bench-${index}`);
}

/**
 * Hands out the seeded live sessions' tokens, each once, to every validate run of the bench in
 * turn (the reference's, Handoff's, the cleanup scenario's), so that no run meets a token that
 * another one consumed. Past the last it starts again, says so once on stderr (the figures after
 * that are of refused tokens), and those validations show as failures.
 */
export class LiveTokens {
  private next = LIVE_EVERY;
  private warned = false;

  constructor(
    private readonly clients: readonly Client[],
    private readonly sessions: number,
  ) {}

  take(): { token: string; client: Client } {
    const index = this.next;
    this.next += LIVE_EVERY;
    if (this.next > this.sessions) {
      this.next = LIVE_EVERY;
      if (!this.warned) process.stderr.write(`all ${Math.floor(this.sessions / LIVE_EVERY)} live tokens used: validations from here on are of consumed tokens (raise --sessions)\n`);
      this.warned = true;
    }
    // Its client, as seed-sessions.ts chose it.
    return { token: liveToken(index), client: this.clients[Math.floor(index / LIVE_EVERY) % this.clients.length]! };
  }

  /** validate-session, each request with the next live token and its app's secret. */
  validateScenario(): HttpScenario {
    return {
      method: 'POST',
      path: '/api/cross-app/validate-session',
      setup: () => {
        const { token, client } = this.take();
        return { headers: { 'x-shared-secret': client.appSecret }, body: JSON.stringify({ session_token: token }) };
      },
    };
  }
}

/** generate-session, clients in turn, each for its own target app. */
export function generateScenario(clients: readonly Client[]): HttpScenario {
  let next = 0;
  return {
    method: 'POST',
    path: '/api/cross-app/generate-session',
    setup: () => {
      const client = clients[next++ % clients.length]!;
      return { headers: { authorization: `Bearer ${client.accessToken}` }, body: JSON.stringify({ target_app: client.app }) };
    },
  };
}

export interface ServiceFigures extends Figures {
  /** The server's largest resident set during the measured run (MB). */
  readonly rssMb: number;
  /** The server process's CPU time per request (user + system, µs): what the load costs it, whatever else runs. */
  readonly cpuUsPerRequest: number;
}

/**
 * Measures several services on one endpoint, interleaved: after a warm-up each, `rounds` rounds
 * in which each service in turn gets `seconds / rounds` of load, so that the other work on a
 * shared machine weighs on all of them alike and the ratios stay comparable. Requests/s is the
 * total over the total time; p50 and p99 are the rounds' figures weighted by their requests.
 * The server's RSS is sampled every 200 ms of its measured time; the largest is kept.
 */
export async function measureInterleaved(
  services: readonly BenchProcess[],
  scenario: () => HttpScenario,
  seconds: number,
  connections: number,
  rounds = 5,
): Promise<ServiceFigures[]> {
  const scenarios = services.map(() => scenario());
  for (const [index, service] of services.entries()) await warmUp(service.url, scenarios[index]!, connections);
  const slices: Figures[][] = services.map(() => []);
  const cpuMs = services.map(() => 0);
  const rss = await Promise.all(services.map((service) => service.rssMb()));
  const slice = Math.max(1, Math.round(seconds / rounds));
  for (let round = 0; round < rounds; round++) {
    for (let turn = 0; turn < services.length; turn++) {
      // Each round starts with another service: none always runs right after the same one.
      const index = (round + turn) % services.length;
      const service = services[index]!;
      const sampler = setInterval(() => void service.rssMb().then((value) => (rss[index] = Math.max(rss[index]!, value))), 200);
      try {
        const cpuBefore = await service.cpuMs();
        slices[index]!.push(await measureHttp(service.url, scenarios[index]!, slice, connections, false));
        cpuMs[index]! += (await service.cpuMs()) - cpuBefore;
      } finally {
        clearInterval(sampler);
      }
    }
  }
  return slices.map((figures, index) => {
    const combined = combine(figures, slice);
    const requests = combined.requestsPerSecond * slice * rounds;
    return { ...combined, rssMb: rss[index]!, cpuUsPerRequest: Math.round((cpuMs[index]! * 1000) / Math.max(requests, 1)) };
  });
}

function combine(slices: readonly Figures[], sliceSeconds: number): Figures {
  const requests = slices.map((figures) => figures.requestsPerSecond * sliceSeconds);
  const total = requests.reduce((sum, value) => sum + value, 0);
  const weighted = (pick: (figures: Figures) => number) =>
    Math.round((slices.reduce((sum, figures, index) => sum + pick(figures) * requests[index]!, 0) / Math.max(total, 1)) * 10) / 10;
  return {
    requestsPerSecond: Math.round(total / (sliceSeconds * slices.length)),
    p50: weighted((figures) => figures.p50),
    p99: weighted((figures) => figures.p99),
    failures: slices.reduce((sum, figures) => sum + figures.failures, 0),
  };
}

/** One row of the JSON output: a service's figures on one endpoint, beside the reference's. */
export interface HotPathResult {
  readonly scenario: string;
  readonly endpoint: 'generate' | 'validate';
  readonly database: string;
  readonly counters: 'postgres' | 'mariadb' | 'redis';
  /** Which build ran: this checkout's, or the one `--baseline-root` named (a before/after in one run). */
  readonly build: 'this' | 'baseline';
  readonly requestsPerSecond: number;
  readonly p50: number;
  readonly p99: number;
  readonly failures: number;
  readonly serverRssMb: number;
  readonly serverCpuUsPerRequest: number;
  readonly reference: ServiceFigures | null;
  /** Handoff's requests/s over the reference's, and its p99 over the reference's. */
  readonly ratio: number | null;
  readonly p99Ratio: number | null;
}

export function hotPathResult(
  endpoint: 'generate' | 'validate',
  database: string,
  counters: HotPathResult['counters'],
  handoff: ServiceFigures,
  reference: ServiceFigures | undefined,
  build: HotPathResult['build'] = 'this',
): HotPathResult {
  const round = (value: number) => Math.round(value * 100) / 100;
  return {
    scenario: `${endpoint} ${database} counters=${counters}${build === 'baseline' ? ' (baseline)' : ''}`,
    endpoint,
    database,
    counters,
    build,
    requestsPerSecond: handoff.requestsPerSecond,
    p50: handoff.p50,
    p99: handoff.p99,
    failures: handoff.failures,
    serverRssMb: handoff.rssMb,
    serverCpuUsPerRequest: handoff.cpuUsPerRequest,
    reference: reference ?? null,
    ratio: reference ? round(handoff.requestsPerSecond / reference.requestsPerSecond) : null,
    p99Ratio: reference ? round(handoff.p99 / Math.max(reference.p99, 0.1)) : null,
  };
}

export function printHotPath(connections: number, results: readonly HotPathResult[], references: ReadonlyMap<string, ServiceFigures>): void {
  const out = (line: string) => process.stdout.write(`${line}\n`);
  const cell = (value: string | number, width = 9) => String(value).padStart(width);
  out(`\nHot path beside the hand-written reference (bench/reference) — ${connections} clients, audit lines and metrics on`);
  out(`${'service'.padEnd(44)}${cell('req/s')}${cell('p50 ms')}${cell('p99 ms')}${cell('failed')}${cell('RSS MB')}${cell('CPU µs')}${cell('ratio', 8)}${cell('p99 ×', 8)}`);
  for (const [name, figures] of references) {
    out(`${`reference ${name}`.padEnd(44)}${cell(figures.requestsPerSecond)}${cell(figures.p50)}${cell(figures.p99)}${cell(figures.failures)}${cell(figures.rssMb)}${cell(figures.cpuUsPerRequest)}`);
  }
  for (const result of results) {
    const ratio = result.ratio === null ? '' : `${Math.round(result.ratio * 100)}%`;
    out(
      `${`Handoff ${result.scenario}`.padEnd(44)}${cell(result.requestsPerSecond)}${cell(result.p50)}${cell(result.p99)}${cell(result.failures)}` +
        `${cell(result.serverRssMb)}${cell(result.serverCpuUsPerRequest)}${cell(ratio, 8)}${cell(result.p99Ratio ?? '', 8)}`,
    );
  }
}
