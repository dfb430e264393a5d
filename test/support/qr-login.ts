import assert from 'node:assert/strict';
import { execute } from '../../src/database/sql.js';
import type { HttpResult, TestServer } from './test-server.js';

/** Limits no QR test reaches; the brute-force suite sets its own. */
export const QR_HIGH_LIMITS = JSON.stringify({
  qrCreate: { points: 100_000, seconds: 60 },
  qrLookup: { points: 100_000, seconds: 60 },
  qrApprove: { points: 100_000, seconds: 60 },
  qrFailedLookups: { points: 100_000, seconds: 60 },
});

export interface LoginRequest {
  session_id: string;
  device_code: string;
  user_code: string;
  verification_uri: string;
  verification_uri_complete: string;
  qr_svg_url: string;
  expires_in: number;
  interval: number;
}

export const DESKTOP_UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';

/** A QR login request as the /qr page creates it, from a desktop Chrome. */
export async function createRequest(server: TestServer): Promise<LoginRequest> {
  const created = await server.request<LoginRequest>('POST', '/api/qr-auth/sessions', { headers: { 'user-agent': DESKTOP_UA } });
  assert.equal(created.status, 201, created.text);
  return created.body;
}

export function decide(server: TestServer, token: string, userCode: string, decision: 'approve' | 'deny') {
  return server.request('POST', '/api/qr-auth/approve', { token, json: { user_code: userCode, decision } });
}

export function poll(server: TestServer, deviceCode: string) {
  return server.request('POST', '/api/qr-auth/poll', { json: { device_code: deviceCode } });
}

export function exchange(server: TestServer, exchangeToken: string) {
  return server.request('POST', '/api/qr-auth/exchange', { json: { exchange_token: exchangeToken } });
}

/** Polls every 1.05 s (the tests run with a 1 s interval; quicker is slow_down) until the answer is not pending. */
export async function pollUntilDecided(server: TestServer, deviceCode: string): Promise<HttpResult> {
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 1_050));
    const polled = await poll(server, deviceCode);
    if (polled.body.status !== 'pending') return polled;
  }
}


/** A second ago, by the database's clock, in SQL. */
export function pastSql(server: TestServer): string {
  return server.dataSource.options.type === 'postgres' ? "statement_timestamp() - INTERVAL '1 second'" : 'CURRENT_TIMESTAMP(6) - INTERVAL 1 SECOND';
}

/** Puts the expiry of the login requests that `where` (SQL, without parameters) selects in the past. */
export async function expireRequests(server: TestServer, where: string): Promise<void> {
  await execute(server.dataSource, `UPDATE auth_sessions SET expires_at = ${pastSql(server)} WHERE ${where}`);
}
