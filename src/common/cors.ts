import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyRequest } from 'fastify';
import type { HandoffConfig } from '../config/config.js';

type CorsOptions = NonNullable<Parameters<NestFastifyApplication['enableCors']>[0]>;

/**
 * The routes a page on another origin calls (the SDK's SourceClient and QrLoginClient): starting
 * a handoff, the QR desktop's create / poll / exchange / image, and the phone's look-up and
 * decision. All of them authenticate with a Bearer token or a secret in the body, never a
 * cookie, so allowing an origin lends it no ambient credential. Admin, target-app (shared
 * secret) and OAuth routes are absent on purpose: a browser has no business calling them, and
 * they never carry Access-Control-Allow-Origin.
 */
export const BROWSER_ROUTES: ReadonlySet<string> = new Set([
  '/api/cross-app/generate-session',
  '/api/qr-auth/sessions',
  '/api/qr-auth/poll',
  '/api/qr-auth/exchange',
  '/api/qr-auth/qr.svg',
  '/api/qr-auth/qr.png',
  '/api/qr-auth/pending',
  '/api/qr-auth/approve',
]);

/** What those routes need across origins; the SDK sends these headers and reads those. */
const ALLOWED: CorsOptions = {
  methods: ['GET', 'POST'],
  allowedHeaders: ['authorization', 'content-type', 'x-request-id'],
  exposedHeaders: ['x-request-id', 'retry-after', 'x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset'],
  credentials: false,
  maxAge: 600,
};

/**
 * Per request: CORS for an allowed origin on a browser route, nothing anywhere else (a preflight
 * elsewhere gets 404, as without CORS). `prefix` is where the routes are mounted.
 */
export function corsOptionsFor(origins: readonly string[], prefix = ''): (request: FastifyRequest) => Promise<CorsOptions> {
  const allowed = new Set(origins);
  const routes = new Set([...BROWSER_ROUTES].map((route) => `${prefix}${route}`));
  return async (request) => {
    const origin = request.headers.origin;
    const path = request.url.split('?')[0] ?? '';
    if (typeof origin !== 'string' || !allowed.has(origin) || !routes.has(path)) return { origin: false };
    return { ...ALLOWED, origin };
  };
}

/** CORS is off unless HANDOFF_CORS_ORIGINS names origins. */
export function enableCors(app: NestFastifyApplication, config: HandoffConfig): void {
  if (config.cors.origins.length === 0) return;
  app.enableCors({ delegator: corsOptionsFor(config.cors.origins) });
}
