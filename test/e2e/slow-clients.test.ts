import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { describeEachDatabase } from '../support/test-databases.js';
import { eventually, TestServer } from '../support/test-server.js';

// Issue 12: slow or idle clients cannot hold the server. The database plays no part: PGlite only.

function open(url: string, localAddress?: string): Promise<Socket> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port), localAddress }, () => resolve(socket));
    socket.once('error', reject);
  });
}

describeEachDatabase(
  'slow and idle clients',
  (database) => {
    test('a body sent one byte at a time is cut off at the request timeout', async () => {
      const server = await TestServer.start(database(), { HTTP_REQUEST_TIMEOUT_MS: '2000', HTTP_IDLE_TIMEOUT_MS: '60000' });
      try {
        const socket = await open(server.url);
        let answer = '';
        let closed = false;
        socket.on('data', (chunk: Buffer) => (answer += chunk.toString()));
        socket.on('close', () => (closed = true));
        socket.on('error', () => undefined);
        socket.write('POST /api/qr-auth/sessions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n');
        // 100 bytes at 2 a second would take 50 s; the server must end it long before the 20th.
        for (let sent = 0; sent < 20 && !closed; sent++) {
          socket.write(' ');
          await sleep(500);
        }
        assert.ok(closed, 'the connection was closed');
        assert.match(answer, /^HTTP\/1\.1 408/);
        assert.match(answer, /"code":"REQUEST_TIMEOUT"/);
        assert.equal((await server.request('GET', '/health/live')).status, 200);
      } finally {
        await server.close();
      }
    });

    test('a flood of half-open connections from one address is cut at its limit and /health/live still answers', async () => {
      const server = await TestServer.start(database(), { HTTP_MAX_CONNECTIONS_PER_IP: '20', HTTP_IDLE_TIMEOUT_MS: '60000' });
      const flood: Socket[] = [];
      let closedByServer = 0;
      try {
        // From 127.0.0.2: the probe below comes from 127.0.0.1, another address.
        for (let index = 0; index < 200; index++) {
          const socket = await open(server.url, '127.0.0.2');
          socket.on('error', () => undefined);
          socket.on('close', () => closedByServer++);
          // Headers that never end.
          socket.write('GET /health/live HTTP/1.1\r\nHost: x\r\n');
          flood.push(socket);
        }
        await eventually(async () => closedByServer >= 180, 'the connections over the limit were closed');
        assert.ok(closedByServer <= 180, `only those over the limit: ${closedByServer}`);
        const live = await server.request('GET', '/health/live');
        assert.equal(live.status, 200);
      } finally {
        for (const socket of flood) socket.destroy();
        await server.close();
      }
    });
  },
  ['pglite'],
);
