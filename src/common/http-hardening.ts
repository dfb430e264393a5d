import { randomUUID } from 'node:crypto';
import { createServer, type RequestListener, type Server, STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import proxyAddr from '@fastify/proxy-addr';
import { resolveSecurityHeaders } from '@nestjs/core/security/security-headers.js';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { HandoffConfig } from '../config/config.js';
import { type ErrorCode, errorSpec } from './errors/error-codes.js';

/**
 * Issue 12: what keeps slow, idle or hostile clients from holding the server, and what every
 * response carries. See docs/hardening.md for the values and why.
 */

/** Body media types Handoff parses; anything else is 415 before any route work. */
const BODY_TYPES = new Set(['application/json', 'application/x-www-form-urlencoded']);
const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** Route parameters are ids, slugs, emails and user codes; Fastify's default (100) cuts emails short. */
const MAX_PARAM_LENGTH = 320;

/** Options for Fastify: request and idle timeouts, the server with its per-address limit, the client-error answer. */
export function hardenedServerOptions(config: HandoffConfig, logger: Logger) {
  const { requestTimeoutMs, idleTimeoutMs } = config.server;
  return {
    requestTimeout: requestTimeoutMs,
    connectionTimeout: idleTimeoutMs,
    keepAliveTimeout: idleTimeoutMs,
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    serverFactory: (handler: RequestListener) => limitedServer(handler, config),
    clientErrorHandler: (error: NodeJS.ErrnoException, socket: Socket) => answerClientError(error, socket, logger),
  };
}

/**
 * The HTTP server with every timeout set, and at most `maxConnectionsPerIp` open connections per
 * peer address: a flood of half-open connections from one address is closed at once instead of
 * holding file descriptors until they time out, and /health/live stays reachable for others.
 * Trusted proxies are exempt (all traffic comes through them).
 */
function limitedServer(handler: RequestListener, config: HandoffConfig): Server {
  const { requestTimeoutMs, idleTimeoutMs, maxConnectionsPerIp } = config.server;
  const server = createServer(
    {
      requestTimeout: requestTimeoutMs,
      headersTimeout: requestTimeoutMs,
      // As long as the idle timeout, and announced (`Keep-Alive: timeout=…`): a client that reuses
      // a connection the server is closing gets a reset, which a loaded client easily races into.
      keepAliveTimeout: idleTimeoutMs,
      // Node checks the request timeout this often (default 30 s); a check per second keeps the bound near its value.
      connectionsCheckingInterval: Math.min(1_000, requestTimeoutMs),
    },
    handler,
  );
  server.setTimeout(idleTimeoutMs);
  const trusted = config.trustedProxies.length > 0 ? proxyAddr.compile([...config.trustedProxies]) : () => false;
  const open = new Map<string, number>();
  server.on('connection', (socket: Socket) => {
    const peer = socket.remoteAddress ?? '';
    if (trusted(peer, 0)) return;
    const count = (open.get(peer) ?? 0) + 1;
    if (count > maxConnectionsPerIp) {
      socket.destroy();
      return;
    }
    open.set(peer, count);
    socket.once('close', () => {
      const left = (open.get(peer) ?? 1) - 1;
      if (left > 0) open.set(peer, left);
      else open.delete(peer);
    });
  });
  return server;
}

/**
 * Node's own refusals (malformed request line or headers, headers too large, request timeout),
 * answered in the SPEC §8 shape with a request id instead of Node's bare text, never echoing
 * what was sent.
 */
function answerClientError(error: NodeJS.ErrnoException, socket: Socket, logger: Logger): void {
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const [code, message]: [ErrorCode, string] =
    error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? ['REQUEST_TIMEOUT', 'The request took too long to arrive']
      : error.code === 'HPE_HEADER_OVERFLOW'
        ? ['HEADERS_TOO_LARGE', 'Request headers are too large']
        : ['VALIDATION_ERROR', 'Malformed HTTP request'];
  const { status } = errorSpec(code);
  const requestId = randomUUID();
  logger.info({ requestId, code, reason: error.code }, message);
  const body = JSON.stringify({ statusCode: status, code, message, timestamp: new Date().toISOString(), path: '*', requestId });
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Bad Request'}\r\n` +
      'content-type: application/json; charset=utf-8\r\n' +
      `content-length: ${Buffer.byteLength(body)}\r\n` +
      'cache-control: no-store\r\nx-content-type-options: nosniff\r\n' +
      `x-request-id: ${requestId}\r\nconnection: close\r\n\r\n${body}`,
  );
}

/**
 * The security headers, by what a response is (OWASP's REST Security Cheat Sheet). Any response
 * but HTML gets those that protect an API response: nothing in it may load or frame anything,
 * nor be sniffed as another type. An HTML page gets, instead, Nest's security headers (helmet's
 * defaults) with three changes: no upgrade-insecure-requests (Handoff is often served over plain
 * HTTP behind a TLS proxy, where it would break the pages), no HSTS (the proxy's to set), and
 * cross-origin reads allowed (a desktop app shows the QR image from another origin). A page that
 * sets its own Content-Security-Policy (the QR pages, the dashboard) keeps it.
 *
 * Helmet's other headers (COOP, Referrer-Policy, X-DNS-Prefetch-Control…) only matter to a
 * document: on every JSON answer they cost the server and each client about 600 bytes (issue 11).
 */
const SECURITY_HEADERS = {
  api: resolveSecurityHeaders({
    contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
    xFrameOptions: { action: 'deny' },
    crossOriginOpenerPolicy: false,
    crossOriginResourcePolicy: false,
    originAgentCluster: false,
    referrerPolicy: false,
    strictTransportSecurity: false,
    xDnsPrefetchControl: false,
    xDownloadOptions: false,
    xPermittedCrossDomainPolicies: false,
    xXssProtection: false,
  }).headers,
  html: resolveSecurityHeaders({
    contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } },
    strictTransportSecurity: false,
    crossOriginResourcePolicy: false,
  }).headers,
};

/**
 * Hooks on every request: a body in a media type Handoff does not parse is 415 before any guard
 * runs; every response is `no-store` unless its route says otherwise (responses carry tokens and
 * secrets; only a few public documents may be cached, and they set their own Cache-Control),
 * carries the security headers for its kind (SECURITY_HEADERS) and its request id (the one in an
 * error's body and in the request's log line).
 */
export function registerHardeningHooks(fastify: FastifyInstance, reject: (request: FastifyRequest, reply: FastifyReply, error: unknown) => void): void {
  // With callbacks, not async: no promise per request (issue 11).
  fastify.addHook('onRequest', (request, reply, done) => {
    if (!BODY_METHODS.has(request.method) || !hasBody(request)) return done();
    const mediaType = String(request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (BODY_TYPES.has(mediaType)) return done();
    // Answered here: the route and its hooks do not run (done is not called).
    reject(request, reply, Object.assign(new Error('unsupported media type'), { code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE' }));
  });
  fastify.addHook('onSend', (request, reply, payload, done) => {
    void reply.header('x-request-id', request.id);
    if (!reply.hasHeader('cache-control')) void reply.header('cache-control', 'no-store');
    setSecurityHeaders(reply);
    done(null, payload);
  });
}

/**
 * The security headers for the reply's kind (SECURITY_HEADERS), those it already has kept. Called
 * on every reply that goes through the hooks, and by the answer to an error Fastify's router
 * raises before any hook (a bad URL encoding), whose reply has none.
 */
export function setSecurityHeaders(reply: FastifyReply): void {
  const html = String(reply.getHeader('content-type') ?? '').startsWith('text/html');
  for (const [name, value] of html ? SECURITY_HEADERS.html : SECURITY_HEADERS.api) {
    if (!reply.hasHeader(name)) void reply.header(name, value);
  }
}

function hasBody(request: FastifyRequest): boolean {
  const length = request.headers['content-length'];
  return request.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/**
 * The methods each declared route answers, to tell a wrong method (405 with Allow) from an
 * unknown path (404). Collected as routes are declared; a path parameter matches one segment.
 */
export function routeMethods(fastify: FastifyInstance): (path: string) => readonly string[] {
  const routes: Array<{ pattern: RegExp; method: string }> = [];
  fastify.addHook('onRoute', (route) => {
    const methods = [route.method].flat().map(String);
    const source = route.url.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/:[A-Za-z0-9_]+/g, '[^/]+').replace(/\*/g, '.*');
    for (const method of methods) routes.push({ pattern: new RegExp(`^${source}/?$`), method });
  });
  return (path) => [...new Set(routes.filter((route) => route.pattern.test(path)).map((route) => route.method))].sort();
}
