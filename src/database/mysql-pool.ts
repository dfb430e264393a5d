import mysql from 'mysql2';

type Callback = (error: (Error & { code?: string }) | null, ...rest: unknown[]) => void;

/**
 * mysql2's pool, made safe for a server (issue 12):
 * - every connection works in UTC (see data-source.ts);
 * - a connection error never reaches an unheard 'error' event (which ends the process);
 * - with `queryTimeoutMs`, every statement (TypeORM's and the rate limiter's, which uses the pool
 *   directly) has a client-side bound, and a connection whose statement timed out is destroyed
 *   rather than reused (mysql2 would queue the next statement behind the unanswered one, with no
 *   timer running); waiting for a free connection is bounded the same way (mysql2 has no acquire
 *   timeout of its own).
 */
function createServerPool(options: mysql.PoolOptions, queryTimeoutMs: number | undefined): mysql.Pool {
  const pool = mysql.createPool(options);
  pool.on('connection', (connection) => {
    connection.on('error', () => undefined);
    if (queryTimeoutMs) boundStatements(connection, queryTimeoutMs);
    // mysql2 queues statements per connection in order: this one runs before any other.
    connection.query("SET time_zone = '+00:00'", (error) => {
      // A connection that cannot work in UTC must not be used.
      if (error) connection.destroy();
    });
  });
  if (queryTimeoutMs) boundAcquire(pool, queryTimeoutMs);
  return pool;
}

/** mysql2 for TypeORM's `driver` option, its pools made by createServerPool. */
export function mysqlDriver(queryTimeoutMs: number | undefined): Omit<typeof mysql, 'createPool'> & { createPool(options: mysql.PoolOptions): mysql.Pool } {
  return { ...mysql, createPool: (options: mysql.PoolOptions) => createServerPool(options, queryTimeoutMs) };
}

function boundStatements(connection: mysql.PoolConnection, timeoutMs: number): void {
  const query = connection.query as unknown as (...args: unknown[]) => unknown;
  (connection as unknown as { query: (...args: unknown[]) => unknown }).query = function (this: unknown, ...args: unknown[]) {
    const [statement] = args;
    if (typeof statement === 'string') args[0] = { sql: statement, timeout: timeoutMs };
    else if (isPlainObject(statement) && statement.timeout === undefined) args[0] = { ...statement, timeout: timeoutMs };
    const last = args.length - 1;
    if (typeof args[last] === 'function') {
      const callback = args[last] as Callback;
      args[last] = (error: (Error & { code?: string }) | null, ...rest: unknown[]) => {
        if (error?.code === 'PROTOCOL_SEQUENCE_TIMEOUT') connection.destroy();
        callback(error, ...rest);
      };
    }
    return query.apply(this, args);
  };
}

function boundAcquire(pool: mysql.Pool, timeoutMs: number): void {
  const getConnection = pool.getConnection.bind(pool) as (callback: Callback) => void;
  (pool as unknown as { getConnection: (callback: Callback) => void }).getConnection = (callback) => {
    let settled = false;
    const timer = setTimeout(() => {
      settled = true;
      callback(Object.assign(new Error('timeout exceeded when trying to connect'), { code: 'ETIMEDOUT' }));
    }, timeoutMs);
    getConnection((error, connection) => {
      if (settled) {
        // Too late for its caller: the next waiter gets it.
        (connection as mysql.PoolConnection | undefined)?.release();
        return;
      }
      settled = true;
      clearTimeout(timer);
      callback(error, connection);
    });
  };
}

function isPlainObject(value: unknown): value is Record<string, unknown> & { timeout?: unknown } {
  return typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype;
}
