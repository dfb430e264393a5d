import { z } from 'zod';
import type { HostTablesOptions } from '../database/host-tables.js';
import {
  type DatabaseConfig,
  embeddedDatabase,
  parseDatabaseUrl,
  resolveDataDir,
} from './database-url.js';

export const SIGNING_ALGORITHMS = ['ES256', 'RS256', 'EdDSA'] as const;
export type SigningAlgorithm = (typeof SIGNING_ALGORITHMS)[number];

/** Tokens live at most a year: the key that signed one stays published until it expires. */
const MAX_TTL_LIMIT = 365 * 24 * 3600;

const publicUrlSchema = z
  .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
  .refine((value) => {
    const url = new URL(value);
    return (url.pathname === '/' || url.pathname === '') && !url.search && !url.hash;
  }, 'must be an origin without a path, query or fragment (e.g. https://auth.example.com)')
  .transform((value) => new URL(value).origin);

const externalIssuerSchema = z
  .object({
    issuer: z.string().min(1),
    audience: z.string().min(1),
    jwks_uri: z.url({ protocol: /^https?$/ }).optional(),
    secret: z.string().min(32, 'must be at least 32 characters').optional(),
  })
  .strict()
  .refine((issuer) => (issuer.jwks_uri === undefined) !== (issuer.secret === undefined), {
    error: 'needs exactly one of jwks_uri and secret',
  });

/** A variable holding JSON, checked against `schema`. */
function jsonSchema<T extends z.ZodType>(schema: T) {
  return z
    .string()
    .transform((text, context) => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        context.addIssue({ code: 'custom', message: 'is not valid JSON' });
        return z.NEVER;
      }
    })
    .pipe(schema);
}

/**
 * `https://app.example.com,http://localhost:5173`: the exact origins whose pages may call the
 * browser routes. No wildcard: each origin is named, as a browser sends it.
 */
const corsOriginsSchema = z.string().transform((text, context) => {
  const origins: string[] = [];
  for (const [index, entry] of text.split(',').map((part) => part.trim()).filter(Boolean).entries()) {
    const origin = exactOrigin(entry);
    if (origin === undefined) {
      context.addIssue({ code: 'custom', message: `entry ${index + 1} is not an http(s) origin such as https://app.example.com (no path, no wildcard)` });
      return z.NEVER;
    }
    origins.push(origin);
  }
  return [...new Set(origins)];
});

/** The origin a browser would send for `entry`, or undefined when `entry` is more (or less) than an origin. */
function exactOrigin(entry: string): string | undefined {
  let url: URL;
  try {
    url = new URL(entry);
  } catch {
    return undefined;
  }
  const bare = (url.pathname === '/' || url.pathname === '') && !url.search && !url.hash && !url.username && !url.password;
  const ending = entry.endsWith('/') ? entry.slice(0, -1) : entry;
  // `https://a.example/?` parses to a bare origin too: the text itself must be origin-shaped.
  return (url.protocol === 'http:' || url.protocol === 'https:') && bare && !/[?#]/.test(ending) ? url.origin : undefined;
}

/** A table or column name of a host app (HANDOFF_DIRECTORY), used in SQL: a plain identifier. */
const sqlIdentifier = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,62}$/, 'a plain SQL identifier (letters, digits, _)');

/** `[{"issuer": …, "audience": …, "jwks_uri" | "secret": …}]`. */
const externalIssuersSchema = jsonSchema(z.array(externalIssuerSchema));

/** Permissions of each role, unless HANDOFF_ROLE_PERMISSIONS says otherwise. */
export const DEFAULT_ROLE_PERMISSIONS: Readonly<Record<string, readonly string[]>> = {
  owner: ['create_events', 'manage_ticketing', 'manage_members', 'view_reports'],
  admin: ['create_events', 'manage_ticketing', 'view_reports'],
  organizer: ['create_events', 'manage_ticketing'],
  member: ['view_events'],
};

/** Rate limits of SPEC §4 and §5: points per window, keyed as the limit says. */
export const DEFAULT_RATE_LIMITS = {
  generate: { points: 10, seconds: 60 },
  validate: { points: 100, seconds: 60 },
  userAccounts: { points: 50, seconds: 60 },
  validatePermission: { points: 100, seconds: 60 },
  /** QR / device login requests created, per IP. */
  qrCreate: { points: 20, seconds: 60 },
  /** Look-ups of a request by user code, per user and per IP. */
  qrLookup: { points: 30, seconds: 60 },
  /** Approvals and denials, per user and per IP. */
  qrApprove: { points: 10, seconds: 60 },
  /** Look-ups and decisions naming no pending request, per user: guesses. */
  qrFailedLookups: { points: 10, seconds: 900 },
  /** The same per IP: higher, since many phones can share one address (carrier NAT). */
  qrFailedLookupsPerIp: { points: 50, seconds: 900 },
} as const satisfies Record<string, RateLimitConfig>;
export type RateLimitName = keyof typeof DEFAULT_RATE_LIMITS;

export interface RateLimitConfig {
  readonly points: number;
  readonly seconds: number;
}

export interface ExternalIssuerConfig {
  readonly issuer: string;
  readonly audience: string;
  /** Verify with the issuer's published keys (RS256, ES256, EdDSA…)… */
  readonly jwksUri?: string;
  /** …or with a shared HS256 secret. */
  readonly secret?: string;
}

export const SCHEDULED_JOBS = ['cleanup', 'partitions', 'prune'] as const;
export type ScheduledJobName = (typeof SCHEDULED_JOBS)[number];

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Every environment variable Handoff reads. Nothing else in the code reads `process.env`. */
const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATABASE_URL: z.string().optional(),
  // At least 5: a scheduled cleanup holds its job's lock, the archive's lock and, on PostgreSQL,
  // the partitions' lock on connections of their own while its batches use another; one is left
  // for requests.
  DATABASE_POOL_SIZE: z.coerce.number().int().min(5).max(500).default(10),
  DATABASE_QUERY_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(10_000),
  HTTP_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(1_000).max(600_000).default(15_000),
  HTTP_IDLE_TIMEOUT_MS: z.coerce.number().int().min(1_000).max(600_000).default(65_000),
  HTTP_MAX_CONNECTIONS_PER_IP: z.coerce.number().int().min(1).max(1_000_000).default(1_024),
  HANDOFF_DATA_DIR: z.string().min(1).default('.data'),
  HANDOFF_MIGRATIONS_RUN: z.stringbool().default(true),
  HANDOFF_SEED_DEMO: z.stringbool().optional(),
  HANDOFF_CLEANUP_GRACE: z.coerce.number().int().min(0).max(365 * 24 * 3600).default(3600),
  HANDOFF_CLEANUP_BATCH_SIZE: z.coerce.number().int().min(1).max(100_000).default(1000),
  HANDOFF_ARCHIVE_RETENTION_DAYS: z.coerce.number().int().min(1).max(100 * 365).default(90),
  HANDOFF_PRUNE_LOCK_TIMEOUT: z.coerce.number().int().min(1).max(3600).default(5),
  HANDOFF_SCHEDULER: z.stringbool().default(true),
  HANDOFF_CLEANUP_INTERVAL: z.coerce.number().int().min(0).max(MAX_TTL_LIMIT).default(600),
  HANDOFF_PARTITIONS_INTERVAL: z.coerce.number().int().min(0).max(MAX_TTL_LIMIT).default(24 * 3600),
  HANDOFF_PRUNE_INTERVAL: z.coerce.number().int().min(0).max(MAX_TTL_LIMIT).default(24 * 3600),
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  HANDOFF_PUBLIC_URL: publicUrlSchema.optional(),
  HANDOFF_ADMIN_TOKEN: z.string().min(32, 'must be at least 32 characters').optional(),
  HANDOFF_METRICS_TOKEN: z.string().min(32, 'must be at least 32 characters').optional(),
  HANDOFF_KEY_ENCRYPTION_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  HANDOFF_JWT_ALGORITHM: z.enum(SIGNING_ALGORITHMS).default('ES256'),
  HANDOFF_JWT_AUDIENCE: z.string().min(1).max(200).default('handoff'),
  ACCESS_TOKEN_TTL: z.coerce.number().int().min(60).max(MAX_TTL_LIMIT).default(3600),
  ACCESS_TOKEN_MAX_TTL: z.coerce.number().int().min(60).max(MAX_TTL_LIMIT).default(7 * 24 * 3600),
  HANDOFF_EXTERNAL_ISSUERS: externalIssuersSchema.optional(),
  CROSS_APP_TOKEN_EXPIRY: z.coerce.number().int().min(10).max(24 * 3600).default(900),
  HANDOFF_SOURCE_APP: z.string().regex(/^[a-z0-9][a-z0-9-]{0,49}$/, 'an app name, up to 50 characters').default('tuvens'),
  HANDOFF_DEFAULT_TARGET_APP: z.string().regex(/^[a-z0-9][a-z0-9-]{0,49}$/, 'an app name, up to 50 characters').default('hi-events'),
  HANDOFF_TRUSTED_PROXIES: z.string().optional(),
  HANDOFF_ROLE_PERMISSIONS: jsonSchema(z.record(z.string().regex(/^[a-z][a-z0-9_-]{0,49}$/), z.array(z.string().min(1).max(100)))).optional(),
  HANDOFF_RATE_LIMITS: jsonSchema(z.record(z.string(), z.strictObject({ points: z.number().int().min(1), seconds: z.number().int().min(1) }))).optional(),
  HANDOFF_REVOKE_ON_REPLAY: z.stringbool().default(true),
  // Where the QR code and the device grant send the phone: Handoff's /device page by default, or a
  // page of the host app where the person is already signed in (SPEC §5, §10).
  HANDOFF_VERIFICATION_URL: z
    .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
    .refine((value) => !new URL(value).hash && !new URL(value).searchParams.has('user_code'), 'must have no fragment and no user_code parameter')
    .optional(),
  // A host app's own users / accounts / memberships tables (SPEC §10), for the CLI, the TypeORM
  // CLI and the standalone server on the host's database; a host's code gives the same to
  // HandoffModule.forRoot.
  HANDOFF_DIRECTORY: jsonSchema(
    z.strictObject({
      users: z.strictObject({ table: sqlIdentifier, id: sqlIdentifier, email: sqlIdentifier, name: sqlIdentifier.nullable(), disabledAt: sqlIdentifier.nullable() }).partial().optional(),
      accounts: z.strictObject({ table: sqlIdentifier, id: sqlIdentifier, name: sqlIdentifier, slug: sqlIdentifier }).partial().optional(),
      memberships: z.strictObject({ table: sqlIdentifier, userId: sqlIdentifier, accountId: sqlIdentifier, role: sqlIdentifier }).partial().optional(),
    }),
  ).optional(),
  QR_LOGIN_EXPIRY: z.coerce.number().int().min(60).max(3600).default(600),
  QR_LOGIN_POLL_INTERVAL: z.coerce.number().int().min(1).max(60).default(5),
  QR_EXCHANGE_TOKEN_EXPIRY: z.coerce.number().int().min(10).max(600).default(120),
  REDIS_URL: z.url({ protocol: /^rediss?$/, error: 'must be a redis:// or rediss:// URL' }).optional(),
  HANDOFF_CORS_ORIGINS: corsOriginsSchema.optional(),
  REDIS_KEY_PREFIX: z.string().regex(/^[A-Za-z0-9:_-]{1,64}$/, 'letters, digits and : _ -, up to 64').default('handoff'),
});

/** Injection token of the validated, frozen configuration object. */
export const HANDOFF_CONFIG = Symbol('HANDOFF_CONFIG');

export interface HandoffConfig {
  readonly server: {
    readonly host: string;
    readonly port: number;
    /** Longest a request may take to arrive, headers and body (slow clients are cut off). */
    readonly requestTimeoutMs: number;
    /** An open connection with nothing to read or write is closed after this long. */
    readonly idleTimeoutMs: number;
    /** Open connections one peer address may hold (trusted proxies are exempt). */
    readonly maxConnectionsPerIp: number;
  };
  readonly database: DatabaseConfig;
  /**
   * The server's bound on one database statement: the database cancels it after this long
   * (statement_timeout) and the client gives up shortly after (a hung server cannot cancel).
   */
  readonly databaseQueryTimeoutMs: number;
  /** Absolute path of the folder for embedded data and generated dev secrets. */
  readonly dataDir: string;
  /** Apply pending migrations when the server starts. */
  readonly migrationsRun: boolean;
  /** Seed the design documents' demo data at start (default: only on the embedded database). */
  readonly seedDemo: boolean;
  /** SPEC §7: cleanup into the archive and the archive's retention. */
  readonly maintenance: {
    /** Sessions expired or revoked longer ago than this are moved to the archive. */
    readonly cleanupGraceSeconds: number;
    /** Rows moved per transaction. */
    readonly cleanupBatchSize: number;
    readonly archiveRetentionDays: number;
    /** Seconds a prune waits for the archive's lock to drop a partition before leaving it for the next run. */
    readonly pruneLockTimeoutSeconds: number;
  };
  /** The server's scheduled jobs; the CLI never runs them by itself. */
  readonly scheduler: {
    readonly enabled: boolean;
    /** Seconds between two runs of each job; 0 turns the job off. */
    readonly intervals: Readonly<Record<ScheduledJobName, number>>;
  };
  readonly logLevel: LogLevel;
  /**
   * The public origin of the service, which is also the JWT issuer. Unset: derived from HOST and
   * PORT (the actual port when PORT is 0).
   */
  readonly publicUrl: string | undefined;
  readonly tokens: {
    readonly algorithm: SigningAlgorithm;
    /** `aud` of the access tokens Handoff issues for its own API. */
    readonly audience: string;
    readonly defaultTtlSeconds: number;
    /** Upper bound of any token's lifetime; a retired signing key stays published this long. */
    readonly maxTtlSeconds: number;
  };
  /** Unset on the embedded database: generated into the data folder (see dev-secrets.ts). */
  readonly secrets: {
    readonly adminToken: string | undefined;
    readonly keyEncryptionSecret: string | undefined;
    /** Set: GET /metrics wants it as a bearer token (Prometheus' `authorization` setting). Unset: /metrics is open. */
    readonly metricsToken: string | undefined;
  };
  readonly externalIssuers: readonly ExternalIssuerConfig[];
  readonly crossApp: {
    readonly tokenTtlSeconds: number;
    /** `source_app` recorded on the sessions this Handoff generates. */
    readonly sourceApp: string;
    readonly defaultTargetApp: string;
    /** Revoke the session of a token presented again after it was consumed. */
    readonly revokeOnReplay: boolean;
  };
  readonly qrLogin: {
    /** How long a QR / device login request waits for its approval. */
    readonly requestTtlSeconds: number;
    /** Seconds the desktop waits between polls, to begin with. */
    readonly pollIntervalSeconds: number;
    /** How long the one-time exchange token is good once handed out. */
    readonly exchangeTokenTtlSeconds: number;
    /** The page a phone opens to approve (absolute URL); unset: Handoff's own /device page. */
    readonly verificationUrl: string | undefined;
  };
  /** Proxies whose X-Forwarded-For is believed (addresses or CIDRs); none by default. */
  readonly trustedProxies: readonly string[];
  readonly rolePermissions: Readonly<Record<string, readonly string[]>>;
  readonly rateLimits: Readonly<Record<RateLimitName, RateLimitConfig>>;
  readonly redisUrl: string | undefined;
  /** Prefix of every Redis key, so that several deployments can share one Redis. */
  readonly redisKeyPrefix: string;
  /** A host app's tables for users, accounts and memberships (HANDOFF_DIRECTORY); unset: Handoff's own. */
  readonly directory: HostTablesOptions | undefined;
  /** Origins whose pages may call the browser routes (see common/cors.ts); none: CORS off. */
  readonly cors: { readonly origins: readonly string[] };
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
  const unknownLimits = Object.keys(parsed.success ? (parsed.data.HANDOFF_RATE_LIMITS ?? {}) : {}).filter(
    (name) => !Object.hasOwn(DEFAULT_RATE_LIMITS, name),
  );
  if (unknownLimits.length > 0) {
    problems.push(`HANDOFF_RATE_LIMITS: unknown limit(s) ${unknownLimits.join(', ')} (known: ${Object.keys(DEFAULT_RATE_LIMITS).join(', ')})`);
  }
  if (parsed.success && parsed.data.ACCESS_TOKEN_TTL > parsed.data.ACCESS_TOKEN_MAX_TTL) {
    problems.push('ACCESS_TOKEN_TTL: must not exceed ACCESS_TOKEN_MAX_TTL');
  }
  if (parsed.success && database && database.kind !== 'pglite' && !parsed.data.HANDOFF_KEY_ENCRYPTION_SECRET) {
    // Generated secrets live in one machine's data folder: instances sharing a database server
    // must share the secret, so it has to come from the environment.
    problems.push('HANDOFF_KEY_ENCRYPTION_SECRET: required when DATABASE_URL is set (32 or more characters)');
  }
  if (!parsed.success || !database || problems.length > 0) throw new ConfigError(problems);

  const vars = parsed.data;
  return deepFreeze({
    server: {
      host: vars.HOST,
      port: vars.PORT,
      requestTimeoutMs: vars.HTTP_REQUEST_TIMEOUT_MS,
      idleTimeoutMs: vars.HTTP_IDLE_TIMEOUT_MS,
      maxConnectionsPerIp: vars.HTTP_MAX_CONNECTIONS_PER_IP,
    },
    database,
    databaseQueryTimeoutMs: vars.DATABASE_QUERY_TIMEOUT_MS,
    dataDir: resolveDataDir(vars.HANDOFF_DATA_DIR, cwd),
    migrationsRun: vars.HANDOFF_MIGRATIONS_RUN,
    seedDemo: vars.HANDOFF_SEED_DEMO ?? database.kind === 'pglite',
    maintenance: {
      cleanupGraceSeconds: vars.HANDOFF_CLEANUP_GRACE,
      cleanupBatchSize: vars.HANDOFF_CLEANUP_BATCH_SIZE,
      archiveRetentionDays: vars.HANDOFF_ARCHIVE_RETENTION_DAYS,
      pruneLockTimeoutSeconds: vars.HANDOFF_PRUNE_LOCK_TIMEOUT,
    },
    scheduler: {
      enabled: vars.HANDOFF_SCHEDULER,
      intervals: {
        cleanup: vars.HANDOFF_CLEANUP_INTERVAL,
        partitions: vars.HANDOFF_PARTITIONS_INTERVAL,
        prune: vars.HANDOFF_PRUNE_INTERVAL,
      },
    },
    logLevel: vars.LOG_LEVEL,
    publicUrl: vars.HANDOFF_PUBLIC_URL,
    tokens: {
      algorithm: vars.HANDOFF_JWT_ALGORITHM,
      audience: vars.HANDOFF_JWT_AUDIENCE,
      defaultTtlSeconds: vars.ACCESS_TOKEN_TTL,
      maxTtlSeconds: vars.ACCESS_TOKEN_MAX_TTL,
    },
    secrets: {
      adminToken: vars.HANDOFF_ADMIN_TOKEN,
      metricsToken: vars.HANDOFF_METRICS_TOKEN,
      keyEncryptionSecret: vars.HANDOFF_KEY_ENCRYPTION_SECRET,
    },
    crossApp: {
      tokenTtlSeconds: vars.CROSS_APP_TOKEN_EXPIRY,
      sourceApp: vars.HANDOFF_SOURCE_APP,
      defaultTargetApp: vars.HANDOFF_DEFAULT_TARGET_APP,
      revokeOnReplay: vars.HANDOFF_REVOKE_ON_REPLAY,
    },
    qrLogin: {
      requestTtlSeconds: vars.QR_LOGIN_EXPIRY,
      pollIntervalSeconds: vars.QR_LOGIN_POLL_INTERVAL,
      exchangeTokenTtlSeconds: vars.QR_EXCHANGE_TOKEN_EXPIRY,
      verificationUrl: vars.HANDOFF_VERIFICATION_URL,
    },
    trustedProxies: (vars.HANDOFF_TRUSTED_PROXIES ?? '').split(',').map((entry) => entry.trim()).filter(Boolean),
    rolePermissions: vars.HANDOFF_ROLE_PERMISSIONS ?? DEFAULT_ROLE_PERMISSIONS,
    rateLimits: { ...DEFAULT_RATE_LIMITS, ...pickRateLimits(vars.HANDOFF_RATE_LIMITS ?? {}) },
    redisUrl: vars.REDIS_URL,
    redisKeyPrefix: vars.REDIS_KEY_PREFIX,
    directory: vars.HANDOFF_DIRECTORY,
    cors: { origins: vars.HANDOFF_CORS_ORIGINS ?? [] },
    externalIssuers: (vars.HANDOFF_EXTERNAL_ISSUERS ?? []).map((issuer) => ({
      issuer: issuer.issuer,
      audience: issuer.audience,
      ...(issuer.jwks_uri ? { jwksUri: issuer.jwks_uri } : {}),
      ...(issuer.secret ? { secret: issuer.secret } : {}),
    })),
  });
}

function pickRateLimits(given: Record<string, RateLimitConfig>): Partial<Record<RateLimitName, RateLimitConfig>> {
  return Object.fromEntries(Object.entries(given).filter(([name]) => Object.hasOwn(DEFAULT_RATE_LIMITS, name)));
}

function describeIssue(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_value':
      return `must be one of ${issue.values.map((value) => String(value)).join(', ')}`;
    case 'too_small':
      return `must be at least ${String(issue.minimum)}${issue.origin === 'string' ? ' characters' : ''}`;
    case 'too_big':
      return `must be at most ${String(issue.maximum)}${issue.origin === 'string' ? ' characters' : ''}`;
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
