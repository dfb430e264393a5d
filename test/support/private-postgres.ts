import { execFile } from 'node:child_process';
import { chmod, chown, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './test-server.js';

const run = promisify(execFile);
const BIN = '/usr/lib/postgresql/15/bin';

/** A database server a fault test may stop, freeze and crash. */
export interface FaultyDatabase {
  /** DATABASE_URL for Handoff. */
  readonly url: string;
  startServer(): Promise<void>;
  /** `fast`: an orderly shutdown; `immediate`: a crash. */
  stop(mode: 'fast' | 'immediate'): Promise<void>;
  /** SIGSTOP freezes the server (a hung database); SIGCONT thaws it. */
  signal(signal: 'SIGSTOP' | 'SIGCONT'): Promise<void>;
  /** Stops it whatever its state and removes its files. */
  destroy(): Promise<void>;
}

/**
 * A PostgreSQL cluster of the test's own (initdb in a temp folder, a free port), for fault tests
 * that stop, freeze or crash the database: the shared server on 5432 is never touched.
 * Runs as the `postgres` user when the test runs as root (initdb refuses root).
 */
export class PrivatePostgres implements FaultyDatabase {
  private constructor(
    readonly directory: string,
    readonly port: number,
    private readonly osUser: string | undefined,
  ) {}

  /** Why a private cluster cannot run here, or undefined when it can. */
  static async unavailable(): Promise<string | undefined> {
    try {
      await run(`${BIN}/initdb`, ['--version']);
      if (userInfo().uid === 0) await run('id', ['postgres']);
      return undefined;
    } catch {
      return `PostgreSQL 15 binaries (${BIN}) or the postgres user are missing`;
    }
  }

  static async start(): Promise<PrivatePostgres> {
    const directory = await mkdtemp(join(tmpdir(), 'handoff-fault-pg-'));
    const osUser = userInfo().uid === 0 ? 'postgres' : undefined;
    if (osUser) {
      const { stdout } = await run('id', ['-u', osUser]);
      const { stdout: gid } = await run('id', ['-g', osUser]);
      await chown(directory, Number(stdout.trim()), Number(gid.trim()));
      await chmod(directory, 0o700);
    }
    const cluster = new PrivatePostgres(directory, await freePort(), osUser);
    await cluster.as(`${BIN}/initdb`, ['-D', cluster.dataDir, '-U', 'postgres', '-A', 'trust', '--no-sync', '-E', 'UTF8']);
    await cluster.startServer();
    return cluster;
  }

  get dataDir(): string {
    return join(this.directory, 'data');
  }

  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  async startServer(): Promise<void> {
    const options = `-p ${this.port} -k ${this.directory} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=60`;
    await this.as(`${BIN}/pg_ctl`, ['-D', this.dataDir, '-l', join(this.directory, 'log'), '-o', options, '-w', '-t', '60', 'start']);
  }

  /** `pg_ctl stop` in the given mode: `fast` is an orderly outage, `immediate` a crash. */
  async stop(mode: 'fast' | 'immediate'): Promise<void> {
    await this.as(`${BIN}/pg_ctl`, ['-D', this.dataDir, '-m', mode, '-w', '-t', '60', 'stop']);
  }

  /** Freezes (SIGSTOP) or thaws (SIGCONT) the postmaster and every backend: a hung database. */
  async signal(signal: 'SIGSTOP' | 'SIGCONT'): Promise<void> {
    const pid = Number((await readFile(join(this.dataDir, 'postmaster.pid'), 'utf8')).split('\n')[0]);
    const { stdout } = await run('pgrep', ['-P', String(pid)]).catch(() => ({ stdout: '' }));
    const pids = [pid, ...stdout.split('\n').filter(Boolean).map(Number)];
    for (const each of pids) {
      try {
        process.kill(each, signal);
      } catch {
        // A backend that ended meanwhile.
      }
    }
  }

  /** Stops the cluster (whatever its state) and removes its folder. */
  async destroy(): Promise<void> {
    await this.signal('SIGCONT').catch(() => undefined);
    await this.stop('immediate').catch(() => undefined);
    await rm(this.directory, { recursive: true, force: true });
  }

  private async as(command: string, args: readonly string[]): Promise<void> {
    if (this.osUser) await run('runuser', ['-u', this.osUser, '--', command, ...args], { cwd: '/' });
    else await run(command, [...args]);
  }
}
