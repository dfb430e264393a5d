import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import pg from 'pg';

export type BenchDatabase = 'postgres' | 'pglite' | 'mariadb';

const ROOT = new URL('../../', import.meta.url).pathname;
// BENCH_POSTGRES_PORT: another cluster (one with pg_stat_statements loaded, for a profile).
const POSTGRES = { host: '127.0.0.1', port: Number(process.env.BENCH_POSTGRES_PORT ?? 5432), user: 'postgres', database: 'test' };
/** USER_HZ: 100 on Linux. */
const CLOCK_TICKS = 100;
const MARIADB = { host: '127.0.0.1', port: 3306, user: 'root' };

/** A database of the bench's own, created for one run and dropped after it. */
export class BenchDatabaseHandle {
  private constructor(
    readonly kind: BenchDatabase,
    readonly url: string | undefined,
    readonly dataDir: string,
    /** Its name on the server (PostgreSQL, MariaDB). */
    readonly name: string,
  ) {}

  readonly keySecret = randomBytes(24).toString('hex');

  static async create(kind: BenchDatabase): Promise<BenchDatabaseHandle> {
    const dataDir = await mkdtemp(join(tmpdir(), 'handoff-bench-'));
    const name = `handoff_bench_${randomBytes(4).toString('hex')}`;
    if (kind === 'postgres') await postgresAdmin(`CREATE DATABASE ${name}`);
    if (kind === 'mariadb') await mariadbAdmin(`CREATE DATABASE ${name} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
    const url =
      kind === 'postgres'
        ? `postgres://${POSTGRES.user}@${POSTGRES.host}:${POSTGRES.port}/${name}`
        : kind === 'mariadb'
          ? `mariadb://${MARIADB.user}@${MARIADB.host}:${MARIADB.port}/${name}`
          : undefined;
    return new BenchDatabaseHandle(kind, url, dataDir, name);
  }

  async drop(): Promise<void> {
    if (this.kind === 'postgres') await postgresAdmin(`DROP DATABASE IF EXISTS ${this.name} WITH (FORCE)`);
    if (this.kind === 'mariadb') await mariadbAdmin(`DROP DATABASE IF EXISTS ${this.name}`);
    await rm(this.dataDir, { recursive: true, force: true });
  }
}

/**
 * CPU time (user + system, ms) used so far by each process of these command names, by pid: with
 * `cpuSpentMs`, the database's and Redis's share of a request, which the closed-loop load pays
 * for on the same cores. Given `database`, a PostgreSQL backend of any other database (another
 * client of a shared cluster: CI, a psql) is left out; the cluster's own processes (WAL writer,
 * checkpointer) are counted, since they work for every database. A process that exits between
 * two readings is not counted (cpuSpentMs).
 */
export async function servicesCpuMs(names: readonly string[], database?: string): Promise<Map<string, { name: string; ms: number }>> {
  const processes = new Map<string, { name: string; ms: number }>();
  for (const pid of (await readdir('/proc')).filter((entry) => /^\d+$/.test(entry))) {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
    const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    if (!names.includes(name)) continue;
    if (name === 'postgres' && database !== undefined && (await backendDatabase(pid)) !== database) continue;
    const { user, system } = cpuTimesOf(stat);
    processes.set(pid, { name, ms: user + system });
  }
  return processes;
}

/**
 * The database a PostgreSQL backend serves, from its process title ("postgres: 15/main: user
 * database 127.0.0.1(5432) idle"); undefined for the cluster's own processes (and unknown: same).
 */
async function backendDatabase(pid: string): Promise<string | undefined> {
  const title = (await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).replaceAll('\0', ' ');
  const [, , database, client] = /^postgres: [^:]+: (\S+) (\S+) (\S+)/.exec(title) ?? [];
  return client !== undefined && /\(\d+\)$|^\[local\]$/.test(client) ? database : undefined;
}

/** User and system CPU time in ms from a /proc/<pid>/stat line: fields 14 and 15 (utime, stime), in clock ticks, counted after the command name's ')'. */
function cpuTimesOf(stat: string): { user: number; system: number } {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { user: (Number(fields[11]) * 1000) / CLOCK_TICKS, system: (Number(fields[12]) * 1000) / CLOCK_TICKS };
}

/** CPU ms spent per command name between two `servicesCpuMs` readings, by the processes alive at the second. */
export function cpuSpentMs(before: Map<string, { ms: number }>, after: Map<string, { name: string; ms: number }>): Map<string, number> {
  const spent = new Map<string, number>();
  for (const [pid, { name, ms }] of after) spent.set(name, (spent.get(name) ?? 0) + ms - (before.get(pid)?.ms ?? 0));
  return spent;
}

/** A process the bench started (Handoff or the reference), with its resident memory. */
export class BenchProcess {
  constructor(
    readonly url: string,
    protected readonly child: ChildProcess,
  ) {}

  get pid(): number {
    return this.child.pid!;
  }

  /** Resident set size in MB, from /proc (Linux). */
  async rssMb(): Promise<number> {
    const status = await readFile(`/proc/${this.child.pid}/status`, 'utf8').catch(() => '');
    const kb = Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1] ?? 0);
    return Math.round(kb / 1024);
  }

  /** CPU time (user + system) the process has used so far, in ms, from /proc (Linux). */
  async cpuMs(): Promise<number> {
    const { user, system } = await this.cpuTimesMs();
    return user + system;
  }

  /** The same, split into user and system (kernel) time, in ms. */
  async cpuTimesMs(): Promise<{ user: number; system: number }> {
    return cpuTimesOf(await readFile(`/proc/${this.child.pid}/stat`, 'utf8').catch(() => ''));
  }

  /** Read and write system calls the process has made so far (socket sends and receives, mostly), from /proc. */
  async syscalls(): Promise<{ reads: number; writes: number }> {
    const io = await readFile(`/proc/${this.child.pid}/io`, 'utf8').catch(() => '');
    return { reads: Number(/^syscr:\s+(\d+)/m.exec(io)?.[1] ?? 0), writes: Number(/^syscw:\s+(\d+)/m.exec(io)?.[1] ?? 0) };
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill('SIGINT');
    await exited;
  }
}

export interface HandoffOptions {
  /** Extra environment (REDIS_URL…). */
  readonly env?: Record<string, string>;
  /** Another checkout's build to run instead of this one's (a baseline). */
  readonly root?: string;
  /** Options for node itself (--cpu-prof…). */
  readonly nodeArgs?: readonly string[];
  /** Where the server's standard output goes (a file descriptor): its logs, and V8's traces (--trace-gc…). Discarded otherwise. */
  readonly stdout?: number;
}

/** Handoff started as its own process (as in production) on a bench database. */
export class BenchServer extends BenchProcess {
  private constructor(
    url: string,
    child: ChildProcess,
    readonly adminToken: string,
    readonly database: BenchDatabaseHandle,
    /** The checkout whose build runs (its CLI too). */
    readonly root: string,
  ) {
    super(url, child);
  }

  get databaseUrl(): string | undefined {
    return this.database.url;
  }

  static async start(database: BenchDatabaseHandle, options: HandoffOptions = {}): Promise<BenchServer> {
    const adminToken = randomBytes(24).toString('hex');
    const root = options.root ?? ROOT;
    const { url, child } = await spawnService(root, 'dist/src/main.js', {
      // Audit lines and request logs on, as deployed (to /dev/null: the bench reads none).
      LOG_LEVEL: 'info',
      // The cleanup scenario runs the cleanup itself, at a moment of its choosing.
      HANDOFF_SCHEDULER: 'false',
      HANDOFF_DATA_DIR: database.dataDir,
      HANDOFF_ADMIN_TOKEN: adminToken,
      // Shared by every Handoff instance of a run (one database): the same signing keys, the same issuer.
      HANDOFF_KEY_ENCRYPTION_SECRET: database.keySecret,
      HANDOFF_PUBLIC_URL: 'http://handoff.bench.test',
      // The benchmark measures throughput, not the limits: raise them out of the way.
      HANDOFF_RATE_LIMITS: JSON.stringify(
        Object.fromEntries(['generate', 'validate', 'userAccounts', 'validatePermission'].map((name) => [name, { points: 1e9, seconds: 60 }])),
      ),
      ...(database.url ? { DATABASE_URL: database.url, DATABASE_POOL_SIZE: '20' } : {}),
      ...options.env,
    }, '/health/ready', false, options.nodeArgs, options.stdout);
    return new BenchServer(url, child, adminToken, database, root);
  }

  /** Calls the admin API; throws on any answer but 2xx. */
  async admin<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${this.url}/api/admin${path}`, {
      method,
      headers: { authorization: `Bearer ${this.adminToken}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as T;
  }
}

/** The hand-written reference (bench/reference/reference-server.ts) on a PostgreSQL bench database. */
export async function startReference(database: BenchDatabaseHandle, nodeArgs: readonly string[] = [], stdout?: number): Promise<BenchProcess> {
  const { url, child } = await spawnService(ROOT, 'dist/bench/reference/reference-server.js', { DATABASE_URL: database.url!, POOL_SIZE: '20' }, '/', true, nodeArgs, stdout);
  return new BenchProcess(url, child);
}

async function spawnService(
  cwd: string,
  script: string,
  env: Record<string, string>,
  readyPath = '/health/ready',
  anyAnswer = false,
  nodeArgs: readonly string[] = [],
  stdout: number | 'ignore' = 'ignore',
): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const child = spawn(process.execPath, [...nodeArgs, script], {
    cwd,
    env: { PATH: process.env.PATH, PORT: String(port), ...env },
    stdio: ['ignore', stdout, 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  await waitForReady(`${url}${readyPath}`, child, anyAnswer);
  return { url, child };
}

export async function postgresReachable(): Promise<boolean> {
  return postgresAdmin('SELECT 1').then(
    () => true,
    () => false,
  );
}

export async function mariadbReachable(): Promise<boolean> {
  return mariadbAdmin('SELECT 1').then(
    () => true,
    () => false,
  );
}

async function postgresAdmin(sql: string): Promise<void> {
  const client = new pg.Client(POSTGRES);
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

async function mariadbAdmin(sql: string): Promise<void> {
  const connection = await mysql.createConnection(MARIADB);
  try {
    await connection.query(sql);
  } finally {
    await connection.end();
  }
}

async function waitForReady(url: string, child: ChildProcess, anyAnswer: boolean): Promise<void> {
  let exited = false;
  child.once('exit', () => (exited = true));
  for (let attempt = 0; attempt < 600 && !exited; attempt++) {
    try {
      // The reference has no health route: that it answers at all is enough.
      if ((await fetch(url)).ok || anyAnswer) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the server did not become ready (${url})`);
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}
