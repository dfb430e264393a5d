import autocannon, { type Request } from 'autocannon';

export interface Figures {
  readonly requestsPerSecond: number;
  readonly p50: number;
  readonly p99: number;
  /** Answers that were not 2xx, and transport errors. */
  readonly failures: number;
}

export interface HttpScenario {
  readonly method?: 'GET' | 'POST';
  readonly path: string;
  /** Headers and body of each request (another client, a fresh token…). */
  readonly setup?: () => { headers?: Record<string, string>; body?: string };
}

function load(baseUrl: string, scenario: HttpScenario, connections: number, duration: number) {
  return autocannon({
    url: `${baseUrl}${scenario.path}`,
    connections,
    duration,
    pipelining: 1,
    requests: [
      {
        method: scenario.method ?? 'GET',
        ...(scenario.setup
          ? {
              setupRequest: (request: Request) => {
                const { headers, body } = scenario.setup!();
                return {
                  ...request,
                  headers: { ...request.headers, ...(body ? { 'content-type': 'application/json' } : {}), ...headers },
                  ...(body ? { body } : {}),
                };
              },
            }
          : {}),
      },
    ],
  });
}

function figures(result: autocannon.Result): Figures {
  return {
    requestsPerSecond: Math.round(result.requests.average),
    p50: result.latency.p50,
    p99: result.latency.p99,
    failures: result.non2xx + result.errors,
  };
}

/** Requests a warm-up serves at least (see warmUp), and its bounds in seconds. */
const WARMUP_REQUESTS = 10_000;
const WARMUP_SECONDS = { least: 2, most: 20 } as const;

/**
 * Loads one endpoint until the server has answered WARMUP_REQUESTS and at least 2 s have passed
 * (at most 20 s): what is measured after it is the server's steady state, not V8 compiling it.
 * How many calls make a function hot is a count, not a time: on a slow machine (1,000 req/s) a
 * server's first 4–6 s are its JIT's, and a 2 s warm-up let them into the measurement, more for
 * the larger program (Handoff's first measured slice at 55 % of its steady throughput, the
 * reference's at 77 %). A fast machine answers 10,000 requests within the first 2 s anyway.
 */
export async function warmUp(baseUrl: string, scenario: HttpScenario, connections: number): Promise<void> {
  let served = 0;
  for (let second = 0; second < WARMUP_SECONDS.most && (served < WARMUP_REQUESTS || second < WARMUP_SECONDS.least); second++) {
    served += (await load(baseUrl, scenario, connections, 1)).requests.total;
  }
}

/** Loads one endpoint with autocannon after a warm-up (`warmUp`); the warm-up is not counted. */
export async function measureHttp(baseUrl: string, scenario: HttpScenario, seconds: number, connections: number, warmup = true): Promise<Figures> {
  if (warmup) await warmUp(baseUrl, scenario, connections);
  return figures(await load(baseUrl, scenario, connections, seconds));
}

/** Loads one endpoint for as long as `work` runs (at most an hour). */
export async function measureHttpWhile(baseUrl: string, scenario: HttpScenario, connections: number, work: Promise<unknown>): Promise<Figures> {
  // autocannon's promise is also its instance, which can be stopped (its types do not say so).
  const running = load(baseUrl, scenario, connections, 3600) as Promise<autocannon.Result> & { stop(): void };
  await work.finally(() => running.stop());
  return figures(await running);
}

/**
 * The ceiling: `work` (the same SQL statements the endpoint issues, straight through `pg`) run by
 * `concurrency` loops for `seconds`, timed like a request.
 */
export async function measureDirect(work: () => Promise<void>, seconds: number, concurrency: number): Promise<Figures> {
  const latencies: number[] = [];
  let failures = 0;
  const deadline = performance.now() + seconds * 1000;
  const loop = async (): Promise<void> => {
    while (performance.now() < deadline) {
      const started = performance.now();
      try {
        await work();
        latencies.push(performance.now() - started);
      } catch {
        failures++;
      }
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, loop));
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (quantile: number) => Math.round((latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * quantile))] ?? 0) * 10) / 10;
  return { requestsPerSecond: Math.round(latencies.length / elapsed), p50: at(0.5), p99: at(0.99), failures };
}
