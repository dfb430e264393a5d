import type { IncomingMessage } from 'node:http';

/**
 * A host app's own sign-in, as a credential for Handoff's user routes (SPEC §10): given the
 * request (Fastify's or Express'), the id of the host user signed in with the host's session, or
 * null. Handoff then treats the request as that user's, as it would a Bearer token's. Used only
 * when the request has no Authorization header. A request that changes something (not GET) is
 * then accepted only from a page of the same origin (Sec-Fetch-Site, or Origin equal to
 * HANDOFF_PUBLIC_URL): the cookie alone would let another site's form approve a sign-in.
 */
export type HostAuthentication = (request: HostRequest) => Promise<number | null> | number | null;

/** The request as both adapters give it: headers, and Node's raw message. */
export interface HostRequest {
  readonly headers: IncomingMessage['headers'];
  readonly raw?: IncomingMessage;
  readonly [key: string]: unknown;
}

export const HOST_AUTHENTICATION = Symbol('HANDOFF_HOST_AUTHENTICATION');
