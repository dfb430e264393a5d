import { chmod, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import type { PGLiteSocketServer } from '@electric-sql/pglite-socket';

/** The port number only names the socket file (`.s.PGSQL.<port>`); nothing listens on TCP. */
const SOCKET_PORT = 5432;

export interface EmbeddedPostgres {
  /** Directory holding the Unix socket, used as `host` by the `pg` driver. */
  readonly socketDirectory: string;
  readonly port: number;
  close(): Promise<void>;
}

export class EmbeddedDatabaseBusyError extends Error {
  constructor(directory: string) {
    super(
      `the embedded database at ${directory} is in use by another Handoff process ` +
        '(stop it first, or set DATABASE_URL to a PostgreSQL or MariaDB server)',
    );
    this.name = 'EmbeddedDatabaseBusyError';
  }
}

/**
 * Opens PGlite (PostgreSQL compiled to WASM) in this process and serves it on a private Unix
 * socket, so that TypeORM reaches it through the same `pg` driver as a real PostgreSQL server:
 * one code path for both.
 *
 * PGlite is single-user: two processes opening the same directory would corrupt it, hence the
 * lock file. The socket lives in a fresh 0700 temp directory (short enough for the 108-byte
 * socket path limit, and unreachable by other local users).
 */
export async function startEmbeddedPostgres(directory: string): Promise<EmbeddedPostgres> {
  // Loaded here, not with the module: a server database's commands do without PGlite's half a megabyte.
  const [{ PGlite }, { PGLiteSocketServer }, { default: lockfile }] = await Promise.all([
    import('@electric-sql/pglite'),
    import('@electric-sql/pglite-socket'),
    import('proper-lockfile'),
  ]);
  // PGlite creates its files world-writable: the folder that holds them is the owner's alone.
  await mkdir(dirname(directory), { recursive: true, mode: 0o700 });
  await chmod(dirname(directory), 0o700);
  const releaseLock = await lockfile
    .lock(directory, {
      realpath: false,
      // Refreshed every 5 s; a crashed process's lock is taken over after 30 s.
      stale: 30_000,
      update: 5_000,
      lockfilePath: `${directory}.lock`,
      // Another process may now have the folder: writing on would corrupt it. Stop at once.
      onCompromised: (error) => {
        process.stderr.write(`handoff: lost the lock on the embedded database (${error.message}); exiting\n`);
        process.exit(1);
      },
    })
    .catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ELOCKED') throw new EmbeddedDatabaseBusyError(directory);
      throw error;
    });

  let db: PGlite | undefined;
  let server: PGLiteSocketServer | undefined;
  let socketDirectory: string | undefined;
  // Each step runs even if the one before failed; the lock goes last, once PGlite is closed.
  const close = async (): Promise<void> => {
    const steps = [
      () => server?.stop(),
      () => db?.close(),
      () => (socketDirectory ? rm(socketDirectory, { recursive: true, force: true }) : undefined),
      () => releaseLock(),
    ];
    const failures: unknown[] = [];
    for (const step of steps) {
      try {
        await step();
      } catch (error) {
        failures.push(error);
      }
    }
    if (failures.length > 0) throw failures[0];
  };

  try {
    db = await PGlite.create(directory);
    socketDirectory = await mkdtemp(join(tmpdir(), 'handoff-pg-'));
    server = new PGLiteSocketServer({ db, path: join(socketDirectory, `.s.PGSQL.${SOCKET_PORT}`) });
    await server.start();
    return { socketDirectory, port: SOCKET_PORT, close };
  } catch (error) {
    await close();
    throw error;
  }
}
