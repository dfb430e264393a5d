const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 };

/**
 * A duration written as an operator would (`90d`, `1h`, `30m`, `45s`, `2w`) in seconds. The unit
 * is required: `--older-than 90` must not quietly mean 90 seconds. Undefined when it is not one.
 */
export function parseDuration(text: string): number | undefined {
  const match = /^(\d{1,9})\s*([smhdw])$/.exec(text.trim());
  if (!match) return undefined;
  return Number(match[1]) * UNITS[match[2]!]!;
}
