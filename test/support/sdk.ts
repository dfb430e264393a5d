import assert from 'node:assert/strict';
import { createServer as createHttpServer } from 'node:http';
import { createServer, type Server, type Socket } from 'node:net';
import { type FetchLike, HandoffError, type HandoffErrorCode } from '../../src/sdk/index.js';

/** Asserts that `promise` rejects with a HandoffError of `code` (and `statusCode`, when given); returns it. */
export async function rejectsWith(promise: Promise<unknown>, code: HandoffErrorCode, statusCode?: number): Promise<HandoffError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof HandoffError, `expected a HandoffError ${code}, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    if (statusCode !== undefined) assert.equal(error.statusCode, statusCode);
    return error;
  }
  assert.fail(`expected a HandoffError ${code}, but the call succeeded`);
}

/** The global fetch, counting its calls: how many attempts the SDK made. */
export function countingFetch(extraHeaders: Record<string, string> = {}): { fetch: FetchLike; calls: () => number } {
  let calls = 0;
  return {
    fetch: (url, init) => {
      calls++;
      return fetch(url, { ...init, headers: { ...(init.headers as Record<string, string>), ...extraHeaders } });
    },
    calls: () => calls,
  };
}

/** A real TCP peer that misbehaves: `silent` accepts and never answers, `reset` closes every connection at once. */
export async function misbehavingPeer(kind: 'silent' | 'reset'): Promise<{ url: string; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    if (kind === 'reset') socket.destroy();
  });
  return listening(server, () => {
    for (const socket of sockets) socket.destroy();
  });
}

/** An HTTP server that is not Handoff: a proxy's HTML error page, or a 200 that is not JSON. */
export async function foreignHttpServer(): Promise<{ url: string; close(): Promise<void> }> {
  const server = createHttpServer((request, response) => {
    const status = request.url?.startsWith('/ok') ? 200 : 502;
    response.writeHead(status, { 'content-type': 'text/html' }).end('<html><body>Bad gateway</body></html>');
  });
  return listening(server, () => server.closeAllConnections());
}

async function listening(server: Server, dropConnections: () => void): Promise<{ url: string; close(): Promise<void> }> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        dropConnections();
        server.close(() => resolve());
      }),
  };
}
