import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { chown, mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import mysql from 'mysql2/promise';
import type { FaultyDatabase } from './private-postgres.js';
import { freePort } from './test-server.js';

const run = promisify(execFile);

/**
 * A MariaDB server of the test's own (mariadb-install-db into a temp folder, a free port), for
 * fault tests that stop, freeze or kill it: the shared server on 3306 is never touched.
 */
export class PrivateMariadb implements FaultyDatabase {
  private server: ChildProcess | undefined;

  private constructor(
    readonly directory: string,
    readonly port: number,
  ) {}

  static async unavailable(): Promise<string | undefined> {
    try {
      await run('which', ['mariadb-install-db']);
      await run('mariadbd', ['--version']);
      if (userInfo().uid === 0) await run('id', ['mysql']);
      return undefined;
    } catch {
      return 'mariadb-install-db, mariadbd or the mysql user are missing';
    }
  }

  static async start(): Promise<PrivateMariadb> {
    const directory = await mkdtemp(join(tmpdir(), 'handoff-fault-maria-'));
    if (userInfo().uid === 0) {
      const { stdout: uid } = await run('id', ['-u', 'mysql']);
      const { stdout: gid } = await run('id', ['-g', 'mysql']);
      await chown(directory, Number(uid.trim()), Number(gid.trim()));
    }
    const database = new PrivateMariadb(directory, await freePort());
    await run('mariadb-install-db', [
      '--no-defaults',
      `--datadir=${database.dataDir}`,
      ...database.userOption,
      '--auth-root-authentication-method=normal',
      '--skip-test-db',
    ]);
    await database.startServer();
    const connection = await mysql.createConnection({ host: '127.0.0.1', port: database.port, user: 'root' });
    try {
      await connection.query('CREATE DATABASE handoff CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci');
    } finally {
      await connection.end();
    }
    return database;
  }

  get dataDir(): string {
    return join(this.directory, 'data');
  }

  get url(): string {
    return `mariadb://root@127.0.0.1:${this.port}/handoff`;
  }

  private get userOption(): string[] {
    return userInfo().uid === 0 ? ['--user=mysql'] : [];
  }

  async startServer(): Promise<void> {
    this.server = spawn(
      'mariadbd',
      [
        '--no-defaults',
        `--datadir=${this.dataDir}`,
        `--port=${this.port}`,
        '--bind-address=127.0.0.1',
        `--socket=${join(this.directory, 'mysqld.sock')}`,
        `--pid-file=${join(this.directory, 'mysqld.pid')}`,
        '--skip-name-resolve',
        '--innodb-buffer-pool-size=16M',
        '--innodb-log-file-size=8M',
        '--max-connections=60',
        ...this.userOption,
      ],
      { stdio: 'ignore' },
    );
    for (let attempt = 0; attempt < 120; attempt++) {
      if (await accepts(this.port)) return;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    throw new Error('the private MariaDB did not start within 30 s');
  }

  /** `fast` is an orderly shutdown (SIGTERM), `immediate` a crash (SIGKILL). */
  async stop(mode: 'fast' | 'immediate'): Promise<void> {
    const server = this.server;
    if (!server || server.exitCode !== null || server.signalCode !== null) return;
    const exited = once(server, 'exit');
    server.kill(mode === 'fast' ? 'SIGTERM' : 'SIGKILL');
    await exited;
  }

  async signal(signal: 'SIGSTOP' | 'SIGCONT'): Promise<void> {
    this.server?.kill(signal);
  }

  async destroy(): Promise<void> {
    await this.signal('SIGCONT').catch(() => undefined);
    await this.stop('immediate').catch(() => undefined);
    await rm(this.directory, { recursive: true, force: true });
  }
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
