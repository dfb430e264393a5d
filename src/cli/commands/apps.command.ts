import type { Command } from 'commander';
import { appNameSchema, originSchema } from '../../target-apps/target-apps.schemas.js';
import { out, parseOption, withServices } from '../cli-context.js';

/** Target apps and their shared secrets. A secret is printed once, alone on stdout. */
export function registerAppCommands(program: Command): void {
  const apps = program.command('apps').description('target apps (the backends that trade handoff tokens)');
  apps
    .command('add')
    .description('register a target app; prints its shared secret (once)')
    .argument('<name>')
    .option('--origin <url>', 'an origin callbacks may point to (repeatable)', collect, [])
    .option('--public', 'a public OAuth client (a CLI, a TV app): no secret, device grant only')
    .action(async (name: string, options: { origin: string[]; public?: boolean }) => {
      const input = {
        name: parseOption('name', appNameSchema, name),
        origins: options.origin.map((origin) => parseOption('--origin', originSchema, origin)),
        public: options.public === true,
      };
      const created = await withServices(async (services) => (await services.targetApps()).register(input));
      if (created.secret === null) {
        out.info(`registered the public client ${created.app.name}: no secret, it signs users in with the device grant`);
        return;
      }
      out.data(created.secret);
      out.info(`registered ${created.app.name}; the secret above is shown once`);
    });
  apps
    .command('rotate-secret')
    .description('add a second active secret; prints it (once)')
    .argument('<name>')
    .action(async (name: string) => {
      const app = parseOption('name', appNameSchema, name);
      const rotated = await withServices(async (services) => (await services.targetApps()).rotateSecret(app));
      out.data(rotated.secret);
      out.info(`${app} now has two active secrets; retire the old one with \`handoff apps retire-secret ${app}\``);
    });
  apps
    .command('retire-secret')
    .description('retire the older of two active secrets')
    .argument('<name>')
    .action(async (name: string) => {
      const app = parseOption('name', appNameSchema, name);
      await withServices(async (services) => (await services.targetApps()).retireSecret(app));
      out.info(`retired the older secret of ${app}`);
    });
  apps
    .command('list')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      const list = await withServices(async (services) => (await services.targetApps()).list());
      out.table(options.json, list, () =>
        list.map((app) => [app.name, app.publicClient ? 'public client' : `${app.activeSecrets} secret(s)`, app.allowedOrigins.join(',')].join('\t')),
      );
    });
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
