import { z } from 'zod';
import {
  type DatabaseConfig,
  embeddedDatabase,
  parseDatabaseUrl,
  resolveDataDir,
} from './database-url.js';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Every environment variable Handoff reads. Nothing else in the code reads `process.env`. */
const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATABASE_URL: z.string().optional(),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(500).default(10),
  HANDOFF_DATA_DIR: z.string().min(1).default('.data'),
  HANDOFF_MIGRATIONS_RUN: z.stringbool().default(true),
  HANDOFF_SEED_DEMO: z.stringbool().optional(),
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
});

export interface HandoffConfig {
  readonly server: { readonly host: string; readonly port: number };
  readonly database: DatabaseConfig;
  /** Absolute path of the folder for embedded data and generated dev secrets. */
  readonly dataDir: string;
  /** Apply pending migrations when the server starts. */
  readonly migrationsRun: boolean;
  /** Seed the design documents' demo data at start (default: only on the embedded database). */
  readonly seedDemo: boolean;
  readonly logLevel: LogLevel;
}

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(problems.join('\n'));
    this.name = 'ConfigError';
  }
}

/**
 * Parses the environment once. Every bad variable is reported, one line each, as
 * `NAME: what is wrong`; values are never echoed, since some hold passwords.
 */
export function loadConfig(
  env: Readonly<Record<string, string | undefined>>,
  cwd: string = process.cwd(),
): HandoffConfig {
  // An empty variable (`DATABASE_URL=`) means "not set", as in most shells' .env files.
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
  const parsed = envSchema.safeParse(present);
  const problems = parsed.success
    ? []
    : parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${describeIssue(issue)}`);

  let database: DatabaseConfig | undefined;
  if (parsed.success) {
    const dataDir = resolveDataDir(parsed.data.HANDOFF_DATA_DIR, cwd);
    try {
      database = parsed.data.DATABASE_URL
        ? parseDatabaseUrl(parsed.data.DATABASE_URL, parsed.data.DATABASE_POOL_SIZE)
        : embeddedDatabase(dataDir);
    } catch (error) {
      problems.push(`DATABASE_URL: ${(error as Error).message}`);
    }
  }
  if (!parsed.success || !database || problems.length > 0) throw new ConfigError(problems);

  const vars = parsed.data;
  return deepFreeze({
    server: { host: vars.HOST, port: vars.PORT },
    database,
    dataDir: resolveDataDir(vars.HANDOFF_DATA_DIR, cwd),
    migrationsRun: vars.HANDOFF_MIGRATIONS_RUN,
    seedDemo: vars.HANDOFF_SEED_DEMO ?? database.kind === 'pglite',
    logLevel: vars.LOG_LEVEL,
  });
}

function describeIssue(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_value':
      return `must be one of ${issue.values.map((value) => String(value)).join(', ')}`;
    case 'too_small':
      return `must be at least ${String(issue.minimum)}`;
    case 'too_big':
      return `must be at most ${String(issue.maximum)}`;
    case 'invalid_type':
      return `must be ${issue.expected === 'int' ? 'an integer' : `a ${issue.expected}`}`;
    default:
      // z.stringbool reports its own wording; keep it but never the value.
      return issue.message.includes('"') ? 'has an invalid value' : issue.message;
  }
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const nested of Object.values(value)) deepFreeze(nested);
    Object.freeze(value);
  }
  return value;
}
