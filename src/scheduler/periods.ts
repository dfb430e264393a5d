/**
 * Periods of a job that runs every `intervalMs`, aligned on the epoch (so on UTC midnight for a
 * daily job): every instance computes the same period for the same moment, whenever its timer
 * was started.
 */
export function periodStart(now: number, intervalMs: number): number {
  return Math.floor(now / intervalMs) * intervalMs;
}

/** The start of the first period after the one `now` is in. */
export function nextPeriodStart(now: number, intervalMs: number): number {
  return periodStart(now, intervalMs) + intervalMs;
}
