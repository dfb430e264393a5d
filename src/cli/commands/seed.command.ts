import type { Command } from 'commander';
import { DEMO_USER, seedDemoData } from '../../database/seed/demo-seed.js';
import { out, withDatabase } from '../cli-context.js';

export function registerSeedCommand(program: Command): void {
  program
    .command('seed')
    .description(`create the demo user ${DEMO_USER.email} and its two sessions (once)`)
    .action(async () => {
      const result = await withDatabase(seedDemoData);
      out.info(
        result.created
          ? `seeded ${DEMO_USER.email} (user ${result.userId}) with one live and one expired session`
          : `demo data already present for ${DEMO_USER.email}: nothing changed`,
      );
    });
}
