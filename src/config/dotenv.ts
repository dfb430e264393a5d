import { existsSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Reads `.env` in the working folder into the environment (Node's own parser), so that the server
 * and the CLI started from one folder see the same DATABASE_URL. A variable already set in the
 * environment wins over the file. Answers the file read, if any.
 */
export function loadDotEnv(cwd: string = process.cwd()): string | undefined {
  const file = join(cwd, '.env');
  if (!existsSync(file)) return undefined;
  process.loadEnvFile(file);
  return file;
}
