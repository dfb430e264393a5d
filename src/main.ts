import 'reflect-metadata';
import { setFlagsFromString } from 'node:v8';
import { createLogger, safeErrorMessage } from './common/logger.js';
import type { Logger } from 'pino';
import { ConfigError, type HandoffConfig, loadConfig } from './config/config.js';
import { StartupError } from './common/startup-error.js';
import { loadDotEnv } from './config/dotenv.js';
import { forgetRunningServer, recordRunningServer } from './config/running-server.js';
import { type RunningServer, startServer } from './server.js';

const SHUTDOWN_TIMEOUT_MS = 10_000;

/**
 * The standalone server's old generation may grow by 50 % of what survived the last full GC
 * before the next one, instead of V8's own factor (up to 4×). Under load, a request's objects
 * that are in flight at a young-generation GC are promoted and die soon after; with V8's factor
 * they piled up to ~100 MB before a full GC (RSS 190–260 MB under the bench), with 50 % to ~25 MB
 * (RSS ~160 MB), for no CPU measurable beside the noise; 30 % cost ~4 % more CPU (issue 11,
 * `npm run bench:profile -- --only generate --no-profile --node-arg --heap-growing-percent=N`).
 * Set here, not in a host app that embeds the module: that process is its own to tune. A
 * `node --heap-growing-percent=N` given on the command line is kept.
 */
if (!process.execArgv.some((flag) => flag.startsWith('--heap-growing-percent') || flag.startsWith('--heap_growing_percent'))) {
  setFlagsFromString('--heap-growing-percent=50');
}

/** Prints one line per problem and exits: no stack trace for a start that cannot go on. */
function fail(lines: readonly string[]): never {
  for (const line of lines) process.stderr.write(`handoff: ${line}\n`);
  process.exit(1);
}

async function main(): Promise<void> {
  let config: HandoffConfig;
  try {
    loadDotEnv();
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) fail(error.problems);
    throw error;
  }
  const logger = createLogger(config.logLevel);

  // Registered before the start: a Ctrl-C during the first start (initdb, migrations) must still
  // end with the database closed, so it waits for the start to finish and then stops.
  let server: RunningServer | undefined;
  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    // npm forwards the terminal's Ctrl-C to its child, so one keypress can arrive twice.
    if (stopping) return;
    stopping = true;
    logger.info(`${signal} received, shutting down`);
    if (server) void shutdown(server, logger);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);

  try {
    server = await startServer(config, logger);
  } catch (error) {
    if (error instanceof StartupError) fail([error.message]);
    throw error;
  }
  if (stopping) {
    await shutdown(server, logger);
    return;
  }
  logger.info({ url: server.url }, `Handoff listening on ${server.url}`);
  if (server.config.database.kind === 'pglite') await recordRunningServer(server.config.dataDir, server.url);
  announceDevSecrets(server);
}

async function shutdown(server: RunningServer, logger: Logger): Promise<void> {
  setTimeout(() => {
    process.stderr.write(`handoff: shutdown took longer than ${SHUTDOWN_TIMEOUT_MS} ms, exiting\n`);
    process.exit(1);
  }, SHUTDOWN_TIMEOUT_MS).unref();
  try {
    if (server.config.database.kind === 'pglite') await forgetRunningServer(server.config.dataDir);
    await server.close();
    logger.info('stopped');
  } catch (error) {
    logger.error({ err: error }, 'shutdown failed');
    process.exitCode = 1;
  } finally {
    logger.flush();
  }
}

/**
 * The embedded default generates an admin token on first start; it is shown once, on stderr (not
 * in the JSON log), and kept in the data folder.
 */
function announceDevSecrets(server: RunningServer): void {
  const { names, file } = server.generatedSecrets;
  if (names.includes('adminToken') && server.config.secrets.adminToken) {
    process.stderr.write(
      `\nhandoff: generated an admin token for the embedded database (kept in ${file}):\n` +
        `  ${server.config.secrets.adminToken}\n` +
        `  use it as "Authorization: Bearer <token>" on /api/admin/*\n\n`,
    );
  } else if (file && server.config.database.kind === 'pglite') {
    process.stderr.write(`handoff: the embedded database's admin token is kept in ${file}\n`);
  }
  if (server.demoAppSecret) {
    // Shown once, like any app's secret: only its SHA-256 is kept.
    process.stderr.write(
      `handoff: registered the demo target app "${server.config.crossApp.defaultTargetApp}"; its shared secret (shown once):\n` +
        `  ${server.demoAppSecret}\n` +
        `  use it as "x-shared-secret: <secret>" on /api/cross-app/validate-session\n\n`,
    );
  }
  if (names.includes('keyEncryptionSecret')) {
    process.stderr.write(
      `handoff: generated the secret that encrypts the signing keys (kept in ${file}); ` +
        'set HANDOFF_KEY_ENCRYPTION_SECRET to provide your own\n',
    );
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`handoff: unexpected error during start: ${safeErrorMessage(error)}\n`);
  process.exit(1);
});
