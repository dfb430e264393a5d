import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, test } from 'node:test';

const LOGGER = new URL('./logger.js', import.meta.url).href;

/** Runs `body` in a new node with `log` (createLogger('info')) in scope; its stdout, parsed line by line. */
function logLines(body: string): { lines: Array<Record<string, unknown>>; status: number | null } {
  const script = `import { createLogger } from ${JSON.stringify(LOGGER)}; const log = createLogger('info'); ${body}`;
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  const lines = child.stdout.split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as Record<string, unknown>);
  return { lines, status: child.status };
}

describe('the stdout logger', () => {
  test('every line arrives whole and in order across batches, with multi-byte characters', () => {
    // ~300 bytes a line: several 12 KB batches, and a tail shorter than one. (Waiting for the
    // flush: at exit, pino writes what is buffered at once, even while a batch is still being
    // written through the thread pool, so the two could swap.)
    const { lines, status } = logLines(`for (let i = 0; i < 500; i++) log.info({ i, note: 'é→✓'.repeat(40) }, 'line'); log.flush(() => process.exit(0));`);
    assert.equal(status, 0);
    assert.deepEqual(lines.map((line) => line.i), Array.from({ length: 500 }, (_, i) => i));
    assert.ok(lines.every((line) => line.note === 'é→✓'.repeat(40) && line.service === 'handoff'));
    assert.ok(lines.every((line) => typeof line.time === 'string' && new Date(line.time).toISOString() === line.time));
  });

  test('a line written while idle is flushed by the timer, and a crash still flushes what is buffered', () => {
    const { lines, status } = logLines(
      // 'first' goes out with the 200 ms flush; the crash comes before the next one (at 400 ms).
      `log.info('first'); setTimeout(() => { log.info('after a pause'); setTimeout(() => { throw new Error('crash'); }, 10); }, 300);`,
    );
    assert.notEqual(status, 0);
    assert.deepEqual(lines.map((line) => line.msg), ['first', 'after a pause']);
    // Each line has its own time (formatted once per millisecond, not once).
    assert.ok(Date.parse(String(lines[1]!.time)) - Date.parse(String(lines[0]!.time)) >= 290);
  });
});
