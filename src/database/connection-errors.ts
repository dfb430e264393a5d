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
  return code ?? (errno ? `error ${errno}` : 'unknown error');
}
