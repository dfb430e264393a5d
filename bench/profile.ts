import { closeSync, openSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BenchDatabaseHandle, type BenchProcess, BenchServer, cpuSpentMs, servicesCpuMs, startReference } from './bench-server.js';
import { population } from './handoff-scenarios.js';
import { generateScenario, LiveTokens } from './hot-path.js';
import { type HttpScenario, measureHttp, warmUp } from './load.js';
import { cpuByKind, recordCpu } from './perf-record.js';
import { seedSessions } from './seed-sessions.js';

/**
 * `npm run bench:profile`: where Handoff's server spends its CPU on the hot path. One Handoff on a
 * new PostgreSQL database (`--sessions`, default 400,000), started with `node --cpu-prof`, under
 * `--seconds` (default 10, after load.ts's warmUp) of generate-session, then of validate-session,
 * from 16 clients; then the profile's heaviest functions (self time) and its self time per
 * package. `--redis` puts the rate-limit counters in Redis; `--no-profile` measures without the
 * profiler (CPU per request and system calls only); `--only generate|validate` runs one endpoint;
 * `--env NAME=value` and `--node-arg FLAG` (repeatable) set Handoff's environment and node flags,
 * for an experiment. The .cpuprofile is kept (its path printed) for a closer look.
 * `--perf` samples both servers with Linux perf instead (their real CPU, kernel included: see
 * perf-record.ts) and prints, per endpoint, Handoff's CPU per request by kind beside the reference's.
 * `--reference-node-arg FLAG` (repeatable) sets the reference's node flags; `--server-output FILE`
 * keeps Handoff's standard output in FILE and the reference's in FILE.reference (its logs, and
 * what flags like `--trace-gc-nvp` print).
 */
function option(name: string, fallback: string): string {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? (process.argv[index + 1] ?? fallback) : fallback;
}

/** Every value of a repeatable option (`--env A=1 --env B=2`). */
function repeated(name: string): string[] {
  return process.argv.flatMap((argument, index) => (argument === `--${name}` && process.argv[index + 1] ? [process.argv[index + 1]!] : []));
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Self time per function and per package (node_modules/<name>, node:internal, Handoff's own). */
function summarise(profile: Profile, top: number): string[] {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map<number, number>();
  profile.samples.forEach((id, index) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0)));
  const total = [...self.values()].reduce((sum, value) => sum + value, 0);
  const functions = new Map<string, number>();
  const packages = new Map<string, number>();
  for (const [id, micros] of self) {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    const where = url.replace(/^file:\/\//, '');
    const modules = where.lastIndexOf('node_modules/');
    const pkg = modules >= 0
      ? where.slice(modules + 13).split('/').slice(0, where.slice(modules + 13).startsWith('@') ? 2 : 1).join('/')
      : where.includes('/dist/') ? `handoff ${where.slice(where.indexOf('/dist/') + 6).split('/').slice(0, 2).join('/')}` : where === '' ? `(${functionName || 'native'})` : 'node';
    packages.set(pkg, (packages.get(pkg) ?? 0) + micros);
    const key = `${functionName || '(anonymous)'} ${where.split('/').slice(-2).join('/')}:${lineNumber + 1}`;
    functions.set(key, (functions.get(key) ?? 0) + micros);
  }
  const lines = (map: Map<string, number>) =>
    [...map].sort((a, b) => b[1] - a[1]).slice(0, top).map(([name, micros]) => `${((100 * micros) / total).toFixed(1).padStart(5)} %  ${name}`);
  return ['self time by package:', ...lines(packages), '', 'self time by function:', ...lines(functions)];
}

/** Where else a request's CPU goes, on the same two cores. */
const SERVICES = ['postgres', 'redis-server'] as const;

/** Per scenario, the server's CPU µs per request by kind (perf-record.ts), when `--perf` is given. */
type CpuByKind = Map<string, Map<string, number>>;

async function measure(
  label: string,
  service: BenchProcess,
  scenarios: ReadonlyArray<readonly [string, HttpScenario]>,
  seconds: number,
  database: string,
  perf: boolean,
): Promise<CpuByKind> {
  const byKind: CpuByKind = new Map();
  for (const [name, scenario] of scenarios) {
    // Warmed up first, as in the bench: the JIT compiling the code is not a request's cost.
    await warmUp(service.url, scenario, 16);
    const [before, cpuBefore, servicesBefore, loadBefore] = [await service.syscalls(), await service.cpuTimesMs(), await servicesCpuMs(SERVICES, database), process.cpuUsage()];
    let peakRss = await service.rssMb();
    const sampler = setInterval(() => void service.rssMb().then((mb) => (peakRss = Math.max(peakRss, mb))), 200);
    const loaded = () => measureHttp(service.url, scenario, seconds, 16, false);
    const recorded = await (perf ? recordCpu(service.pid, loaded) : loaded().then((result) => ({ result, samples: undefined }))).finally(() =>
      clearInterval(sampler),
    );
    const figures = recorded.result;
    const [after, cpuAfter, servicesAfter, load] = [await service.syscalls(), await service.cpuTimesMs(), await servicesCpuMs(SERVICES, database), process.cpuUsage(loadBefore)];
    const requests = figures.requestsPerSecond * seconds;
    if (recorded.samples) byKind.set(name, cpuByKind(await recorded.samples(), requests));
    const spent = cpuSpentMs(servicesBefore, servicesAfter);
    const others = [
      ...SERVICES.map((name) => `${name} ${Math.round(((spent.get(name) ?? 0) * 1000) / requests)}`),
      `load generator ${Math.round((load.user + load.system) / requests)}`,
    ];
    process.stdout.write(
      `${label} ${name}: ${Math.round(figures.requestsPerSecond)} req/s, p99 ${figures.p99} ms, ${figures.failures} failed, ` +
        `${Math.round(((cpuAfter.user + cpuAfter.system - cpuBefore.user - cpuBefore.system) * 1000) / requests)} µs CPU ` +
        `(${Math.round(((cpuAfter.system - cpuBefore.system) * 1000) / requests)} in the kernel), peak RSS ${peakRss} MB, ` +
        `${((after.writes - before.writes) / requests).toFixed(2)} writes and ${((after.reads - before.reads) / requests).toFixed(2)} reads (system calls) per request; CPU elsewhere per request (µs): ${others.join(', ')}\n`,
    );
  }
  return byKind;
}

/** `--perf`: each scenario's server CPU per request by kind, Handoff beside the reference. */
function printCpuByKind(handoff: CpuByKind, reference: CpuByKind, top: number): void {
  for (const [name, kinds] of handoff) {
    const theirs = reference.get(name) ?? new Map<string, number>();
    const total = (map: Map<string, number>) => [...map.values()].reduce((sum, value) => sum + value, 0);
    process.stdout.write(`\n${name}: server CPU per request by kind (perf), µs\n${'Handoff'.padStart(9)}${'reference'.padStart(11)}${'difference'.padStart(12)}  kind\n`);
    const rows = [...new Set([...kinds.keys(), ...theirs.keys()])].sort((a, b) => (kinds.get(b) ?? 0) - (kinds.get(a) ?? 0)).slice(0, top);
    for (const kind of ['total', ...rows]) {
      const [mine, other] = kind === 'total' ? [total(kinds), total(theirs)] : [kinds.get(kind) ?? 0, theirs.get(kind) ?? 0];
      const difference = `${mine >= other ? '+' : ''}${(mine - other).toFixed(1)}`;
      process.stdout.write(`${mine.toFixed(1).padStart(9)}${other.toFixed(1).padStart(11)}${difference.padStart(12)}  ${kind}\n`);
    }
  }
}

async function main(): Promise<void> {
  const seconds = Number(option('seconds', '10'));
  const sessions = Number(option('sessions', '400000'));
  const profileDir = await mkdtemp(join(tmpdir(), 'handoff-profile-'));
  // `--server-output FILE`: the servers' standard output (logs, V8's traces) kept, opened before anything needs cleaning up.
  const output = option('server-output', '');
  const outputs = output ? { handoff: openSync(output, 'w'), reference: openSync(`${output}.reference`, 'w') } : undefined;
  const database = await BenchDatabaseHandle.create('postgres');
  const env: Record<string, string> = process.argv.includes('--redis') ? { REDIS_URL: 'redis://127.0.0.1:6379', REDIS_KEY_PREFIX: `profile-${process.pid}` } : {};
  // `--env NAME=value` (repeatable): Handoff's environment, for an experiment (LOG_LEVEL=warn…).
  for (const setting of repeated('env')) {
    if (setting.includes('=')) env[setting.slice(0, setting.indexOf('='))] = setting.slice(setting.indexOf('=') + 1);
  }
  // `--perf`: Linux perf instead of V8's profiler, on Handoff and on the reference (perf-record.ts).
  const perf = process.argv.includes('--perf');
  const profiled = !process.argv.includes('--no-profile') && !perf;
  // `--node-arg FLAG` (repeatable): a flag for Handoff's node (--max-semi-space-size=4…); `--reference-node-arg`, the reference's.
  const nodeArgs = repeated('node-arg');
  if (profiled) nodeArgs.push('--cpu-prof', '--cpu-prof-dir', profileDir, '--cpu-prof-interval', option('interval', '1000'));
  // Node names its JIT-compiled functions for perf in /tmp/perf-<pid>.map (removed after the run).
  const perfArgs = perf ? ['--perf-basic-prof'] : [];
  nodeArgs.push(...perfArgs);
  // A server that does not start (a flag node refuses…) must not leave its database behind.
  const server = await BenchServer.start(database, { env, nodeArgs, stdout: outputs?.handoff }).catch(async (error: unknown) => {
    await database.drop();
    throw error;
  });
  try {
    const clients = await population(server, 16);
    await seedSessions(database.url!, clients, sessions);
    const tokens = new LiveTokens(clients, sessions);
    const only = option('only', '');
    const scenarios = () =>
      ([['generate', generateScenario(clients)], ['validate', tokens.validateScenario()]] as const).filter(([name]) => !only || name === only);
    const handoffCpu = await measure('Handoff', server, scenarios(), seconds, database.name, perf);
    // The same load on the reference, for its system calls per request (V8's profiler: not on it).
    const reference = await startReference(database, [...perfArgs, ...repeated('reference-node-arg')], outputs?.reference);
    try {
      const referenceCpu = await measure('reference', reference, scenarios(), seconds, database.name, perf);
      if (perf) printCpuByKind(handoffCpu, referenceCpu, Number(option('top', '25')));
    } finally {
      await reference.stop();
      await rm(`/tmp/perf-${reference.pid}.map`, { force: true });
    }
  } finally {
    await server.stop();
    for (const descriptor of Object.values(outputs ?? {})) closeSync(descriptor);
    await rm(`/tmp/perf-${server.pid}.map`, { force: true });
    await database.drop();
  }
  if (!profiled) return;
  const [file] = (await readdir(profileDir)).filter((name) => name.endsWith('.cpuprofile'));
  if (!file) throw new Error('no profile written');
  const profile = JSON.parse(await readFile(join(profileDir, file), 'utf8')) as Profile;
  for (const line of summarise(profile, Number(option('top', '40')))) process.stdout.write(`${line}\n`);
  process.stdout.write(`\nprofile: ${join(profileDir, file)}\n`);
  if (process.argv.includes('--discard')) await rm(profileDir, { recursive: true });
}

await main();
