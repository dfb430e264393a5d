import type { OnModuleDestroy } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import {
  type RateLimiterAbstract,
  RateLimiterMemory,
  RateLimiterMySQL,
  RateLimiterPostgres,
  RateLimiterRedis,
  RateLimiterRes,
} from 'rate-limiter-flexible';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import { AppError } from '../common/errors/app-error.js';
import { Inject, Injectable } from '../common/injection.js';
import { LOGGER } from '../common/logger.js';
import { HANDOFF_CONFIG, type HandoffConfig, type RateLimitConfig, type RateLimitName } from '../config/config.js';
import { HandoffDataSource } from '../database/data-source.js';
import { dialectOf } from '../database/dialect.js';
import { StatementCounter } from './statement-counter.js';
import { MetricsService } from '../metrics/metrics.service.js';

const TABLE = 'rate_limits';

/**
 * What a limit does when Redis cannot be reached. Limits that guard against guessing must not
 * open: they fall back to the shared database. The others fall back to a per-instance memory
 * limit (N instances then allow up to N times the limit), trading exactness for not loading the
 * database while Redis is away.
 */
const REDIS_FALLBACK: Record<RateLimitName, 'database' | 'memory'> = {
  generate: 'memory',
  validate: 'memory',
  userAccounts: 'memory',
  validatePermission: 'memory',
  qrCreate: 'memory',
  qrLookup: 'database',
  qrApprove: 'database',
  qrFailedLookups: 'database',
  qrFailedLookupsPerIp: 'database',
};

export interface RateLimitContext {
  readonly userId?: number | null;
  readonly app?: string | null;
  readonly ip?: string | null;
}

/**
 * SPEC §4's rate limits, counted by rate-limiter-flexible in the shared database (PostgreSQL or
 * MySQL store on Handoff's own connection pool), or in Redis when REDIS_URL is set, so that they
 * hold across instances. Every limited response carries X-RateLimit-Limit / -Remaining / -Reset;
 * a refusal is 429 RATE_LIMITED with Retry-After.
 */
@Injectable()
export class RateLimitsService implements OnModuleDestroy {
  private readonly limiters: Record<RateLimitName, RateLimiterAbstract>;
  private readonly redis: Redis | undefined;
  private readonly counterPool: pg.Pool | undefined;
  private readonly countsInStatements: boolean;

  constructor(
    dataSource: DataSource,
    @Inject(HANDOFF_CONFIG) private readonly config: HandoffConfig,
    @Inject(LOGGER) logger: Logger,
    private readonly audit: AuditService,
    private readonly metrics: MetricsService,
  ) {
    this.redis = config.redisUrl ? connectRedis(config.redisUrl, logger) : undefined;
    this.counterPool = this.redis ? undefined : asyncCommitPool(dataSource, logger);
    this.countsInStatements = dialectOf(dataSource) === 'postgres';
    const names = Object.keys(config.rateLimits) as RateLimitName[];
    this.limiters = Object.fromEntries(
      names.map((name, index) => {
        const limit = config.rateLimits[name];
        // Expired rows are swept by one limiter only: they share the table.
        const database = () => databaseLimiter(dataSource, this.counterPool, name, limit, index === 0);
        if (!this.redis) return [name, database()];
        const fallback = REDIS_FALLBACK[name] === 'database' ? database() : memoryLimiter(name, limit);
        return [name, redisLimiter(this.redis, `${config.redisKeyPrefix}:rl:${name}`, limit, fallback)];
      }),
    ) as Record<RateLimitName, RateLimiterAbstract>;
  }

  /**
   * Counts one request against `name` for each of `keys` (e.g. the user and the IP), sets the
   * X-RateLimit-* headers from the tightest of them (when given the reply), and throws 429
   * RATE_LIMITED (with Retry-After) once any is spent.
   */
  async consume(name: RateLimitName, keys: RateLimitKeys, reply: FastifyReply | undefined, context: RateLimitContext = {}): Promise<void> {
    const results = await Promise.allSettled(keyList(keys).map((key) => this.limiters[name].consume(key)));
    const refusals: RateLimiterRes[] = [];
    const counted: RateLimiterRes[] = [];
    for (const result of results) {
      if (result.status === 'fulfilled') counted.push(result.value);
      else if (result.reason instanceof RateLimiterRes) refusals.push(result.reason);
      else throw result.reason;
    }
    if (refusals.length > 0) throw this.refusal(name, refusals, context);
    const tightest = counted.reduce((least, result) => (result.remainingPoints < least.remainingPoints ? result : least));
    if (reply) void reply.headers(rateLimitHeaders(this.config.rateLimits[name].points, tightest));
  }

  /**
   * Gives back what `consume` counted. For limits that count failures: a point is taken before
   * the work (so that concurrent requests cannot all pass a check made before any failure is
   * counted) and given back when the work did not fail.
   */
  async refund(name: RateLimitName, keys: RateLimitKeys): Promise<void> {
    await Promise.all(keyList(keys).map((key) => this.limiters[name].reward(key)));
  }

  private refusal(name: RateLimitName, refusals: readonly RateLimiterRes[], context: RateLimitContext): AppError {
    const longest = refusals.reduce((most, result) => (result.msBeforeNext > most.msBeforeNext ? result : most));
    const retryAfter = Math.max(1, Math.ceil(longest.msBeforeNext / 1000));
    this.audit.record({ type: 'rate_limit.refused', outcome: 'refused', reason: name, ...context });
    this.metrics.recordRateLimitRefusal(name);
    return new AppError('RATE_LIMITED', `Too many requests: retry in ${retryAfter} s`, {
      headers: { ...rateLimitHeaders(this.config.rateLimits[name].points, longest), 'retry-after': String(retryAfter) },
    });
  }

  /**
   * One request counted against `name` for `key` inside the caller's own statement (validate's
   * consume, generate's INSERT), where the counters are kept in the same PostgreSQL database: one
   * round trip instead of two on the hot path (issue 11). Undefined where they are not (Redis,
   * MySQL): count with `consume` first. The row is the one rate-limiter-flexible keeps for the
   * same limit and key, counted the same way (statement-counter.ts), so that both may count it.
   * The count commits with the statement, durably: until then the row is locked, so one key's
   * requests are counted one after another (about 1,500 a second on this machine), far above the
   * default limits (100 a minute per target app, 10 per user).
   */
  inStatement(name: 'generate' | 'validate', key: string | number, context: RateLimitContext): StatementCounter | undefined {
    if (this.redis || !this.countsInStatements) return undefined;
    const limit = this.config.rateLimits[name];
    return new StatementCounter(TABLE, `${name}:${key}`, limit, (counted, reply) => {
      const result = new RateLimiterRes(Math.max(limit.points - counted.points, 0), Math.max(counted.expire - Date.now(), 0), counted.points);
      if (counted.points > limit.points) throw this.refusal(name, [result], context);
      if (reply) void reply.headers(rateLimitHeaders(limit.points, result));
    });
  }

  async onModuleDestroy(): Promise<void> {
    this.redis?.disconnect();
    await this.counterPool?.end();
  }
}

/** One key, or several that are each counted (a user and an IP). */
export type RateLimitKeys = string | number | readonly (string | number)[];

function keyList(keys: RateLimitKeys): string[] {
  return (Array.isArray(keys) ? keys : [keys]).map(String);
}

function rateLimitHeaders(points: number, result: RateLimiterRes): Record<string, string> {
  return {
    'x-ratelimit-limit': String(points),
    'x-ratelimit-remaining': String(Math.max(0, result.remainingPoints)),
    // When the window ends, in epoch seconds.
    'x-ratelimit-reset': String(Math.ceil((Date.now() + Math.max(0, result.msBeforeNext)) / 1000)),
  };
}

/**
 * A pool of its own for the counters on a PostgreSQL server, with asynchronous commit: a limit's
 * row is updated by every request it counts, and waiting for each of those commits to reach the
 * disk serialises them all behind the one row (3,000 a second at best here, 12,000 without).
 * A crash can forget the last moment's increments, which a rate limit can afford; nothing else
 * uses this pool, so tokens and sessions keep their durable commits.
 * The embedded PGlite has one connection only: its counters use the main pool.
 */
function asyncCommitPool(dataSource: DataSource, logger: Logger): pg.Pool | undefined {
  if (dialectOf(dataSource) !== 'postgres' || (dataSource instanceof HandoffDataSource && dataSource.embedded)) return undefined;
  const main = (dataSource.driver as unknown as { master?: { options?: pg.PoolConfig } }).master;
  if (!main?.options) return undefined;
  const pool = new pg.Pool({
    ...main.options,
    max: Math.max(2, Math.floor((main.options.max ?? 10) / 2)),
    options: [main.options.options, '-c synchronous_commit=off'].filter(Boolean).join(' '),
  });
  // An idle connection dropped by the server must not bring the process down (pg emits 'error').
  pool.on('error', (error) => logger.warn({ err: error }, 'rate-limit counter connection lost'));
  return pool;
}

function databaseLimiter(
  dataSource: DataSource,
  counterPool: pg.Pool | undefined,
  name: RateLimitName,
  limit: RateLimitConfig,
  sweep: boolean,
): RateLimiterAbstract {
  const common = {
    keyPrefix: name,
    points: limit.points,
    duration: limit.seconds,
    tableName: TABLE,
    tableCreated: true,
    clearExpiredByTimeout: sweep,
  };
  if (counterPool) return new RateLimiterPostgres({ ...common, storeClient: counterPool, storeType: 'pool' });
  if (dialectOf(dataSource) === 'postgres') {
    return new RateLimiterPostgres({ ...common, storeClient: dataSource, storeType: 'typeorm' });
  }
  const driver = dataSource.driver as unknown as { pool: unknown; database: string };
  return new RateLimiterMySQL({ ...common, storeClient: driver.pool, storeType: 'pool', dbName: driver.database });
}

function memoryLimiter(name: RateLimitName, limit: RateLimitConfig): RateLimiterAbstract {
  return new RateLimiterMemory({ keyPrefix: name, points: limit.points, duration: limit.seconds });
}

function redisLimiter(redis: Redis, keyPrefix: string, limit: RateLimitConfig, fallback: RateLimiterAbstract): RateLimiterAbstract {
  return new RateLimiterRedis({
    storeClient: redis,
    keyPrefix,
    points: limit.points,
    duration: limit.seconds,
    // Not ready (down, reconnecting): decide with the fallback at once rather than wait.
    rejectIfRedisNotReady: true,
    insuranceLimiter: fallback,
  });
}

function connectRedis(url: string, logger: Logger): Redis {
  // A Redis that stalls must not stall requests: past commandTimeout the fallback decides.
  const redis = new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 2_000, commandTimeout: 250 });
  let lastWarning = 0;
  redis.on('error', (error: Error) => {
    // Reconnection errors repeat every second or so: one warning a minute is enough.
    if (Date.now() - lastWarning > 60_000) {
      lastWarning = Date.now();
      logger.warn({ err: error }, 'Redis unreachable: rate limits use their fallbacks');
    }
  });
  return redis;
}
