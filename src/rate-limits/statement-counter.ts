import type { FastifyReply } from 'fastify';
import type { RateLimitConfig } from '../config/config.js';
import type { SqlParameters } from '../database/sql.js';

/** What a StatementCounter's CTE returns: the row's count and the end of its window (epoch ms). */
export interface Counted {
  readonly points: number;
  readonly expire: number;
}

/**
 * A request's count as part of another statement (RateLimitsService.inStatement), on PostgreSQL:
 * rate-limiter-flexible's own upsert of its `RateLimiterPostgres` (same table, same `<name>:<key>`
 * row, same points and expiry in epoch ms, a window that has ended starts again at 1), so that the
 * library and this statement count the same row alike (test/db/statement-counter.test.ts).
 */
export class StatementCounter {
  constructor(
    private readonly table: string,
    private readonly key: string,
    private readonly limit: RateLimitConfig,
    private readonly settleWith: (counted: Counted, reply: FastifyReply | undefined) => void,
  ) {}

  /**
   * A data-modifying CTE's body that counts one request, once per row of `source` if given (none:
   * nothing counted), and returns the row's `points` and `expire`.
   */
  sql(parameters: SqlParameters, source?: string): string {
    const now = Date.now();
    const key = parameters.add(this.key);
    const fresh = parameters.add(now + this.limit.seconds * 1000);
    const at = parameters.add(now);
    const table = this.table;
    return `INSERT INTO ${table} (key, points, expire) SELECT ${key}::varchar, 1, ${fresh}::bigint${source ? ` FROM ${source}` : ''}
      ON CONFLICT (key) DO UPDATE SET
        points = CASE WHEN ${table}.expire <= ${at}::bigint THEN 1 ELSE ${table}.points + 1 END,
        expire = CASE WHEN ${table}.expire <= ${at}::bigint THEN ${fresh}::bigint ELSE ${table}.expire END
      RETURNING points, expire`;
  }

  /** The condition on the CTE `alias` for the request to go ahead: within the limit. */
  allows(alias: string, parameters: SqlParameters): string {
    return `${alias}.points <= ${parameters.add(this.limit.points)}::integer`;
  }

  /**
   * After the statement, with what the CTE returned (undefined: nothing was counted): the
   * X-RateLimit-* headers, or 429 RATE_LIMITED (audited) when the request was over the limit.
   */
  settle(counted: Counted | undefined, reply: FastifyReply | undefined): void {
    if (counted) this.settleWith(counted, reply);
  }
}
