export const METRICS_ERRORS = {
  /** HANDOFF_METRICS_TOKEN is set and the scrape did not present it. */
  METRICS_UNAUTHORIZED: { status: 401, level: 'warn' },
} as const;
