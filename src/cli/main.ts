import 'reflect-metadata';
import { Command, CommanderError } from 'commander';
import { StartupError } from '../common/startup-error.js';
import { CliError } from './cli-context.js';
import { registerMigrateCommands } from './commands/migrate.command.js';
import { registerSeedCommand } from './commands/seed.command.js';

const program = new Command('handoff')
  .description('Handoff: cross-app authentication tokens — operations CLI')
  .showHelpAfterError()
  .exitOverride();

registerMigrateCommands(program);
registerSeedCommand(program);

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
    process.stderr.write(`handoff: ${(error as Error).message}\n`);
    process.exitCode = 1;
  }
}
