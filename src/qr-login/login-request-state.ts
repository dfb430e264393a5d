import type { AuthSessionRow } from './auth-session.repository.js';

/**
 * Where a login request stands for the desktop that polls it. `already_issued`: its exchange
 * token was handed out (or its device code redeemed), which happens once.
 */
export type RequestState = 'unknown' | 'pending' | 'slow_down' | 'approved' | 'already_issued' | 'denied' | 'expired';

/** A poll this much earlier than the interval still counts as on time (timers and networks jitter). */
const POLL_TOLERANCE_MS = 250;
/** RFC 8628 §3.5: each slow_down adds 5 seconds to the interval… */
const SLOW_DOWN_STEP_SECONDS = 5;
/** …up to a bound, so that a broken client is not told to wait for hours. */
const MAX_POLL_INTERVAL_SECONDS = 60;

export function stateOf(row: AuthSessionRow | null): RequestState {
  if (!row) return 'unknown';
  if (row.isExchanged || row.exchangeTokenIssued) return 'already_issued';
  if (row.status === 'denied') return 'denied';
  if (row.status === 'expired' || row.expiresAt <= row.databaseNow) return 'expired';
  if (row.status === 'approved') return row.userId === null ? 'denied' : 'approved';
  const sinceLastPoll = row.lastPolledAt ? row.databaseNow.getTime() - row.lastPolledAt.getTime() : Infinity;
  return sinceLastPoll < row.pollInterval * 1000 - POLL_TOLERANCE_MS ? 'slow_down' : 'pending';
}

/** The interval the desktop must keep from now on. */
export function intervalAfter(row: AuthSessionRow, state: RequestState): number {
  return state === 'slow_down' ? Math.min(row.pollInterval + SLOW_DOWN_STEP_SECONDS, MAX_POLL_INTERVAL_SECONDS) : row.pollInterval;
}

/** What a poll changes on the row besides its time: a longer interval after slow_down, a lapsed request's status. */
export function pollChanges(row: AuthSessionRow, state: RequestState): { pollInterval: number; expire: boolean } {
  return { pollInterval: intervalAfter(row, state), expire: state === 'expired' && row.status === 'pending' };
}
