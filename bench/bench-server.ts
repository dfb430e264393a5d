import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

export type BenchDatabase = 'postgres' | 'pglite';

const ROOT = new URL('../../', import.meta.url).pathname;
const POSTGRES = { host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test' };

/** Handoff started as its own process (as in production) on a database of its own. */
export class BenchServer {
  private constructor(
    readonly url: string,
    readonly adminToken: string,
    readonly databaseUrl: string | undefined,
    private readonly child: ChildProcess,
    private readonly cleanup: () => Promise<void>,
  ) {}

  static async start(database: BenchDatabase): Promise<BenchServer> {
    const dataDir = await mkdtemp(join(tmpdir(), 'handoff-bench-'));
    const name = `handoff_bench_${randomBytes(4).toString('hex')}`;
    let databaseUrl: string | undefined;
    if (database === 'postgres') {
      await postgresAdmin(`CREATE DATABASE ${name}`);
      databaseUrl = `postgres://${POSTGRES.user}@${POSTGRES.host}:${POSTGRES.port}/${name}`;
    }
    const port = await freePort();
    const adminToken = randomBytes(24).toString('hex');
    const child = spawn(process.execPath, ['dist/src/main.js'], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH,
        PORT: String(port),
        LOG_LEVEL: 'warn',
        // The cleanup scenario runs the cleanup itself, at a moment of its choosing.
        HANDOFF_SCHEDULER: 'false',
        HANDOFF_DATA_DIR: dataDir,
        HANDOFF_ADMIN_TOKEN: adminToken,
        HANDOFF_KEY_ENCRYPTION_SECRET: randomBytes(24).toString('hex'),
        // The benchmark measures throughput, not the limits: raise them out of the way.
        HANDOFF_RATE_LIMITS: JSON.stringify(
          Object.fromEntries(['generate', 'validate', 'userAccounts', 'validatePermission'].map((name) => [name, { points: 1e9, seconds: 60 }])),
        ),
        ...(databaseUrl ? { DATABASE_URL: databaseUrl, DATABASE_POOL_SIZE: '20' } : {}),
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const url = `http://127.0.0.1:${port}`;
    const cleanup = async (): Promise<void> => {
      if (database === 'postgres') await postgresAdmin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await rm(dataDir, { recursive: true, force: true });
    };
    await waitForReady(url, child);
    return new BenchServer(url, adminToken, databaseUrl, child, cleanup);
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

  async stop(): Promise<void> {
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill('SIGINT');
    await exited;
    await this.cleanup();
  }
}

export async function postgresReachable(): Promise<boolean> {
  try {
    await postgresAdmin('SELECT 1');
    return true;
  } catch {
    return false;
  }
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

async function waitForReady(url: string, child: ChildProcess): Promise<void> {
  let exited = false;
  child.once('exit', () => (exited = true));
  for (let attempt = 0; attempt < 600 && !exited; attempt++) {
    try {
      if ((await fetch(`${url}/health/ready`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('the Handoff server did not become ready');
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}
