/** Plain-text output helpers for people at a terminal (scripts get TSV or `--json`). */

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

/** `1536` → `1.5 KiB`; `null` (a figure the database does not have) → `-`. */
export function formatBytes(value: number | null): string {
  if (value === null) return '-';
  let size = value;
  let unit = 0;
  while (size >= 1024 && unit < UNITS.length - 1) {
    size /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${size} B` : `${size.toFixed(1)} ${UNITS[unit]}`;
}

/** Columns padded to their widest cell; numbers (right-aligned) are told by `numeric`. */
export function alignedTable(header: readonly string[], rows: ReadonlyArray<readonly string[]>, numeric: readonly boolean[] = []): string[] {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) => (numeric[column] ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)];
}

/** A bar of `value` out of `max`, `width` characters at most (eighths of a block for the end). */
export function bar(value: number, max: number, width = 30): string {
  if (max <= 0 || value <= 0) return '';
  const eighths = Math.max(1, Math.round((value / max) * width * 8));
  return '█'.repeat(Math.floor(eighths / 8)) + (eighths % 8 ? ' ▏▎▍▌▋▊▉'[eighths % 8] : '');
}
