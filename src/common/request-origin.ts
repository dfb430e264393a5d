import { isIP } from 'node:net';
import type { FastifyRequest } from 'fastify';

/** Where a request came from, as recorded on sessions and in the audit trail. */
export interface RequestOrigin {
  readonly ip: string;
  readonly userAgent: string | null;
}

/** Longest user agent recorded; the rest is cut. */
const USER_AGENT_MAX = 1024;

/**
 * An address the `inet` / VARCHAR(45) columns take: an IPv6 zone id (`fe80::1%eth0`) passes
 * isIP but not PostgreSQL (a 500, issue 12), and names a local interface only: it is dropped.
 */
function recordable(address: string | undefined): string | undefined {
  const withoutZone = address?.split('%')[0];
  return withoutZone && isIP(withoutZone) ? withoutZone : undefined;
}

export function originOf(request: FastifyRequest): RequestOrigin {
  const userAgent = request.headers['user-agent'];
  // Behind trusted proxies request.ip comes from X-Forwarded-For, i.e. from whoever wrote it:
  // only an address is recorded, else the peer's own.
  const ip = recordable(request.ip) ?? recordable(request.socket.remoteAddress) ?? '0.0.0.0';
  return { ip, userAgent: typeof userAgent === 'string' ? userAgent.slice(0, USER_AGENT_MAX) : null };
}
