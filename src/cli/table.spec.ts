import assert from 'node:assert/strict';
import { test } from 'node:test';
import { alignedTable, bar, formatBytes } from './table.js';

test('sizes a person reads', () => {
  assert.deepEqual([0, 1023, 1536, 8 * 1024 * 1024, null].map(formatBytes), ['0 B', '1023 B', '1.5 KiB', '8.0 MiB', '-']);
});

test('aligned columns, numbers to the right', () => {
  assert.deepEqual(alignedTable(['day', 'n'], [['2026-01-01', '5'], ['2026-01-02', '120']], [false, true]), [
    'day           n',
    '2026-01-01    5',
    '2026-01-02  120',
  ]);
});

test('bars in proportion, none for zero', () => {
  assert.equal(bar(10, 10, 4), '████');
  assert.equal(bar(5, 10, 4), '██');
  assert.equal(bar(0, 10, 4), '');
  assert.equal(bar(1, 1000, 4).length, 1, 'a little is still seen');
});
