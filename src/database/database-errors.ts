/**
 * Says in a few words why a database connection failed, from the driver's error code. Never
 * includes the driver's message verbatim: some echo the connection string.
 */
export function describeConnectionError(error: unknown): string {
  const { code, errno } = (error ?? {}) as { code?: string; errno?: number };
  switch (code) {
    case 'ECONNREFUSED':
      return 'connection refused';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'host not found';
    case 'ETIMEDOUT':
    case 'ETIMEOUT':
      return 'timed out';
    case 'ECONNRESET':
      return 'connection reset';
    case 'ENOENT':
      return 'socket not found';
    case '28P01':
    case '28000':
    case 'ER_ACCESS_DENIED_ERROR':
    case 'ER_DBACCESS_DENIED_ERROR':
      return 'authentication failed';
    case '3D000':
    case 'ER_BAD_DB_ERROR':
      return 'database does not exist';
    default:
      break;
  }
  if (error instanceof Error && /timeout/i.test(error.message)) return 'timed out';
  if (error instanceof Error && /terminated|closed/i.test(error.message)) return 'connection closed by the server';
  return code ?? (errno ? `error ${errno}` : 'unknown error');
}

const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'ENOENT',
  // PostgreSQL: connection exceptions, shutdown, too many connections, database gone.
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
  '57P01',
  '57P02',
  '57P03',
  '53300',
  '3D000',
  // statement_timeout (the database's own bound on a statement) and a cancelled statement.
  '57014',
  // MySQL / MariaDB
  'PROTOCOL_CONNECTION_LOST',
  'ER_CON_COUNT_ERROR',
  'ER_BAD_DB_ERROR',
  'ER_SERVER_SHUTDOWN',
  // mysql2's client-side statement timeout; MariaDB's max_statement_time.
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'ER_STATEMENT_TIMEOUT',
  'PROTOCOL_ENQUEUE_AFTER_FATAL_ERROR',
  'ER_CONNECTION_KILLED',
  'ECONNABORTED',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

const UNAVAILABLE_MESSAGES = [
  /timeout exceeded when trying to connect/i,
  /connection terminated/i,
  /pool is closed/i,
  /closed state/i,
  /connection is not open/i,
  /Client has encountered a connection error/i,
  // pg's client-side query_timeout (the server did not answer at all).
  /query read timeout/i,
  /not queryable/i,
  /connection lost/i,
];

/**
 * True when an error means "the database cannot be reached" rather than "this statement is
 * wrong": such failures are answered 503, and never taken as a negative answer (a token whose
 * registry row could not be read is not accepted; a revocation that could not be written is not
 * reported done).
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  const driverError = (error as { driverError?: unknown } | null)?.driverError ?? error;
  for (const candidate of [driverError, error]) {
    const code = (candidate as { code?: unknown } | null)?.code;
    if (typeof code === 'string' && UNAVAILABLE_CODES.has(code)) return true;
    const message = (candidate as { message?: unknown } | null)?.message;
    if (typeof message === 'string' && UNAVAILABLE_MESSAGES.some((pattern) => pattern.test(message))) return true;
  }
  return false;
}

/** A unique constraint refused the write (PostgreSQL 23505, MySQL ER_DUP_ENTRY). */
export function isUniqueViolation(error: unknown): boolean {
  const code = driverCodeOf(error);
  return code === '23505' || code === 'ER_DUP_ENTRY';
}

/**
 * The database gave up on a statement because of a concurrent one (PostgreSQL serialization
 * failure or deadlock, MySQL deadlock or lock wait timeout). For a single-use consume this means
 * another request won: the loser answers like any invalid token.
 */
export function isConcurrencyConflict(error: unknown): boolean {
  const code = driverCodeOf(error);
  return code === '40001' || code === '40P01' || code === 'ER_LOCK_DEADLOCK' || code === 'ER_LOCK_WAIT_TIMEOUT';
}

/** A lock did not come within the session's `lock_timeout` (PostgreSQL 55P03). */
export function isLockTimeout(error: unknown): boolean {
  return driverCodeOf(error) === '55P03';
}

/** The driver's error code (SQLSTATE on PostgreSQL, `ER_…` on MySQL), or '' when there is none. */
export function driverCodeOf(error: unknown): string {
  const { code, driverError } = (error ?? {}) as { code?: unknown; driverError?: { code?: unknown } };
  return String(driverError?.code ?? code ?? '');
}
