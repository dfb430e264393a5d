import 'reflect-metadata';
import { createLogger } from './common/logger.js';
import { ConfigError, type HandoffConfig, loadConfig } from './config/config.js';
import { StartupError } from './common/startup-error.js';
import { type RunningServer, startServer } from './server.js';

const SHUTDOWN_TIMEOUT_MS = 10_000;

/** Prints one line per problem and exits: no stack trace for a start that cannot go on. */
function fail(lines: readonly string[]): never {
  for (const line of lines) process.stderr.write(`handoff: ${line}\n`);
  process.exit(1);
}

async function main(): Promise<void> {
  let config: HandoffConfig;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) fail(error.problems);
    throw error;
  }
  const logger = createLogger(config.logLevel);

  let server: RunningServer;
  try {
    server = await startServer(config, logger);
  } catch (error) {
    if (error instanceof StartupError) fail([error.message]);
    throw error;
  }
  logger.info({ url: server.url }, `Handoff listening on ${server.url}`);

  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    // npm forwards the terminal's Ctrl-C to its child, so one keypress can arrive twice.
    if (stopping) return;
    stopping = true;
    logger.info(`${signal} received, shutting down`);
    setTimeout(() => {
      process.stderr.write(`handoff: shutdown took longer than ${SHUTDOWN_TIMEOUT_MS} ms, exiting\n`);
      process.exit(1);
    }, SHUTDOWN_TIMEOUT_MS).unref();
    server
      .close()
      .then(() => {
        logger.info('stopped');
        logger.flush();
      })
      .catch((error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        logger.flush();
        process.exitCode = 1;
      });
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`handoff: unexpected error during start: ${(error as Error).message}\n`);
  process.exit(1);
});
