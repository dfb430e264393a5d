import type { Command } from 'commander';
import { cliConfig, out, withDatabase } from '../cli-context.js';

export function registerSeedCommand(program: Command): void {
  program
    .command('seed')
    .description('create the demo user test@example.com, its two sessions and the default target app (once); renew its live session')
    .action(async () => {
      const targetApp = (await cliConfig()).crossApp.defaultTargetApp;
      const { DEMO_USER, seedDemoData } = await import('../../database/seed/demo-seed.js');
      const result = await withDatabase((dataSource) => seedDemoData(dataSource, { targetApp }));
      out.info(
        result.created
          ? `seeded ${DEMO_USER.email} (user ${result.userId}) with one live and one expired session`
          : result.renewed
            ? `renewed the live session of ${DEMO_USER.email}`
            : `demo data already present for ${DEMO_USER.email}: nothing changed`,
      );
      if (result.appSecret) out.info(`registered the target app ${targetApp}; its shared secret (shown once): ${result.appSecret}`);
    });
}
