import type { FastifyRequest } from 'fastify';
import { AppError } from '../common/errors/app-error.js';
import { appNameSchema } from './target-apps.schemas.js';

export interface ClientCredentials {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly method: 'client_secret_basic' | 'client_secret_post';
}

/**
 * Reads OAuth client credentials (RFC 6749 §2.3.1): HTTP Basic, whose two halves are form-encoded
 * before base64, or `client_id` / `client_secret` in the form body. Using both at once, or
 * neither, is refused.
 */
export function readClientCredentials(
  request: FastifyRequest,
  body: { client_id?: string; client_secret?: string },
): ClientCredentials {
  const credentials = readPresented(request, body);
  // A client id is an app name: anything else (a NUL byte, which PostgreSQL text cannot hold and
  // answered with a 500) is an unknown client, refused before any look-up (issue 12).
  if (!appNameSchema.safeParse(credentials.clientId).success) throw invalidClient(credentials.method === 'client_secret_basic');
  return credentials;
}

function readPresented(request: FastifyRequest, body: { client_id?: string; client_secret?: string }): ClientCredentials {
  const basic = /^Basic +([A-Za-z0-9+/=]+) *$/i.exec(request.headers.authorization ?? '')?.[1];
  // Some libraries send client_id in the body next to Basic: allowed, as long as it agrees.
  if (basic && body.client_secret !== undefined) throw invalidClient(true, 'Use one client authentication method, not two');
  if (basic) {
    const decoded = Buffer.from(basic, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) throw invalidClient(true);
    let credentials: ClientCredentials;
    try {
      credentials = {
        clientId: formDecode(decoded.slice(0, colon)),
        clientSecret: formDecode(decoded.slice(colon + 1)),
        method: 'client_secret_basic',
      };
    } catch {
      throw invalidClient(true);
    }
    if (body.client_id !== undefined && body.client_id !== credentials.clientId) throw invalidClient(true);
    return credentials;
  }
  if (body.client_id && body.client_secret) {
    return { clientId: body.client_id, clientSecret: body.client_secret, method: 'client_secret_post' };
  }
  throw invalidClient(Boolean(request.headers.authorization));
}

export function invalidClient(viaHeader: boolean, message = 'Client authentication failed'): AppError {
  return new AppError('INVALID_CLIENT', message, {
    // RFC 6749 §5.2: a client that tried the Authorization header gets the Basic challenge.
    headers: viaHeader ? { 'www-authenticate': 'Basic realm="handoff"' } : {},
  });
}

function formDecode(value: string): string {
  return decodeURIComponent(value.replace(/\+/g, ' '));
}
