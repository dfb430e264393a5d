import 'reflect-metadata';
import { Command, CommanderError } from 'commander';
import { StartupError } from '../common/startup-error.js';
import { loadDotEnv } from '../config/dotenv.js';
import { CliError } from './cli-context.js';
import { registerAppCommands } from './commands/apps.command.js';
import { registerBackupCommands } from './commands/backup.command.js';
import { registerDirectoryCommands } from './commands/directory.command.js';
import { registerMaintenanceCommands } from './commands/maintenance.command.js';
import { registerMigrateCommands } from './commands/migrate.command.js';
import { registerSeedCommand } from './commands/seed.command.js';
import { registerServerCommands } from './commands/server.command.js';
import { registerStatisticsCommands } from './commands/statistics.command.js';
import { registerTokenCommands } from './commands/tokens.command.js';

loadDotEnv();

const program = new Command('handoff')
  .description('Handoff: cross-app authentication tokens — operations CLI')
  .showHelpAfterError()
  .exitOverride();

registerServerCommands(program);
registerMigrateCommands(program);
registerSeedCommand(program);
registerDirectoryCommands(program);
registerAppCommands(program);
registerTokenCommands(program);
registerMaintenanceCommands(program);
registerStatisticsCommands(program);
registerBackupCommands(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    // Commander has printed its own message (or the help, exit code 0).
    process.exitCode = error.exitCode;
  } else if (error instanceof CliError || error instanceof StartupError) {
    process.stderr.write(`handoff: ${error.message}\n`);
    process.exitCode = 1;
  } else {
    const { safeErrorMessage } = await import('../common/logger.js');
    process.stderr.write(`handoff: ${safeErrorMessage(error)}\n`);
    process.exitCode = 1;
  }
}
