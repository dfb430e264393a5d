import { type Command, InvalidArgumentError } from 'commander';
import { emailSchema } from '../../directory/directory.schemas.js';
import { appNameSchema } from '../../target-apps/target-apps.schemas.js';
import { parseDuration } from '../../maintenance/durations.js';
import { out, parseOption, withServices } from '../cli-context.js';

export function registerTokenCommands(program: Command): void {
  program
    .command('tokens')
    .description('access tokens')
    .command('issue')
    .description('issue an access token (JWT) for a user; prints only the token')
    .requiredOption('--user <email>')
    .option('--ttl <duration>', 'lifetime, e.g. 15m, 1h, 7d (default ACCESS_TOKEN_TTL)', ttlOption)
    .option('--audience <app>', "a target app's name, for a token meant for that app")
    .action(async (options: { user: string; ttl?: number; audience?: string }) => {
      const email = parseOption('--user', emailSchema, options.user);
      const audience = options.audience === undefined ? undefined : parseOption('--audience', appNameSchema, options.audience);
      const issued = await withServices(async (services) => {
        await (await services.signingKeys()).ensureKey(services.dataSource);
        return (await services.admin()).issueToken({ email }, { ttlSeconds: options.ttl, audience });
      });
      out.data(issued.accessToken);
      out.info(`issued token ${issued.tokenId} for ${email}, expires ${issued.expiresAt}`);
    });

  const keys = program.command('keys').description('JWT signing keys');
  keys
    .command('rotate')
    .description('make a new current signing key; the previous one stays published until its tokens expire')
    .action(async () => {
      const result = await withServices(async (services) => {
        const signingKeys = await services.signingKeys();
        await signingKeys.ensureKey(services.dataSource);
        return signingKeys.rotate();
      });
      out.data(result.kid);
      out.info(`new current key ${result.kid}; retired ${result.retired.join(', ') || 'none'}`);
    });
  keys
    .command('list')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      const list = await withServices(async (services) => (await services.signingKeys()).list());
      out.table(options.json, list, () =>
        list.map((key) => [key.kid, key.algorithm, key.status, key.createdAt, key.publishUntil ?? ''].join('\t')),
      );
    });
}

/** Written like every duration of the CLI (`90s`, `15m`, `1h`, `90d`); a token lives a minute at least. */
function ttlOption(value: string): number {
  const seconds = parseDuration(value);
  if (seconds === undefined || seconds < 60) throw new InvalidArgumentError('must be a duration of at least 60s, such as 15m, 1h or 7d');
  return seconds;
}
