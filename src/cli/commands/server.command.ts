import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { type Command, InvalidArgumentError } from 'commander';
import { ConfigError, type HandoffConfig, loadConfig } from '../../config/config.js';
import { PublicUrl } from '../../config/public-url.js';
import { findRunningServer } from '../../config/running-server.js';
import { parseDuration } from '../../maintenance/durations.js';
import { CliError, cliConfig, out } from '../cli-context.js';

const POLL_MS = 250;

/** Commands that need no database: they answer at once, also while a server holds PGlite. */
export function registerServerCommands(program: Command): void {
  program
    .command('url')
    .description("the running server's address (on the embedded database: the one started from this data folder)")
    .option('--wait <duration>', 'wait until the server answers ready, up to this long (e.g. 60s)', durationOption)
    .action(async (options: { wait?: number }) => {
      const deadline = Date.now() + (options.wait ?? 0) * 1000;
      for (;;) {
        const url = await serverUrl();
        if (url && (options.wait === undefined || (await isReady(url)))) {
          out.data(url);
          return;
        }
        if (Date.now() >= deadline) {
          throw new CliError(
            url ? `the server at ${url} does not answer ready` : 'no server runs on this data folder: start one with `npm start`',
          );
        }
        await sleep(POLL_MS);
      }
    });

  program
    .command('admin-token')
    .description('print the admin token (HANDOFF_ADMIN_TOKEN, or the one generated for the embedded database)')
    .action(async () => {
      const token = (await cliConfig()).secrets.adminToken;
      if (!token) throw new CliError('no admin token: set HANDOFF_ADMIN_TOKEN (32+ characters; `handoff secret` makes one)');
      out.data(token);
    });

  program
    .command('secret')
    .description('print a fresh random 32-byte secret (base64url), e.g. for HANDOFF_ADMIN_TOKEN or HANDOFF_KEY_ENCRYPTION_SECRET')
    .action(() => {
      out.data(randomBytes(32).toString('base64url'));
    });
}

/** The embedded database's server says where it listens; a database server's is the public URL. */
async function serverUrl(): Promise<string | undefined> {
  // The configuration without the embedded database's secrets: generating them here could race
  // with a server starting on the same folder.
  const config = plainConfig();
  if (config.database.kind === 'pglite') return (await findRunningServer(config.dataDir))?.url;
  return PublicUrl.fromConfig(config).origin;
}

async function isReady(url: string): Promise<boolean> {
  try {
    const response = await fetch(`${url}/health/ready`, { signal: AbortSignal.timeout(2_000) });
    return response.ok;
  } catch {
    return false;
  }
}

export function durationOption(value: string): number {
  const seconds = parseDuration(value);
  if (seconds === undefined) throw new InvalidArgumentError('a duration with its unit, like 90s, 15m, 1h or 90d');
  return seconds;
}

function plainConfig(): HandoffConfig {
  try {
    return loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) throw new CliError(error.problems.join('\nhandoff: '));
    throw error;
  }
}
