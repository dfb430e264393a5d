import assert from 'node:assert/strict';
import { test } from 'node:test';
import { boundLiteral, isCovered, monthOf, monthsBetween, parsePartitionBound, partitionName } from './archive-partitions.js';
import { parseDuration } from './durations.js';

test('months are UTC calendar months, named as the design documents name partitions', () => {
  const month = monthOf(new Date('2025-12-31T23:59:59.999Z'));
  assert.equal(month.from.toISOString(), '2025-12-01T00:00:00.000Z');
  assert.equal(month.to.toISOString(), '2026-01-01T00:00:00.000Z');
  assert.equal(partitionName(month), 'cross_app_sessions_archive_2025_12');
  assert.equal(boundLiteral(month.to), '2026-01-01 00:00:00.000');
});

test('monthsBetween lists every month from the first to the last, both included', () => {
  const months = monthsBetween(new Date('2025-11-15T00:00:00Z'), new Date('2026-02-01T00:00:00Z'));
  assert.deepEqual(months.map(partitionName), [
    'cross_app_sessions_archive_2025_11',
    'cross_app_sessions_archive_2025_12',
    'cross_app_sessions_archive_2026_01',
    'cross_app_sessions_archive_2026_02',
  ]);
  assert.deepEqual(monthsBetween(new Date('2026-02-01T00:00:00Z'), new Date('2025-11-15T00:00:00Z')), []);
});

test("PostgreSQL's partition bounds are read back; other bounds are not ranges", () => {
  const range = parsePartitionBound("FOR VALUES FROM ('2025-01-01 00:00:00') TO ('2025-02-01 00:00:00')");
  assert.equal(range?.from.toISOString(), '2025-01-01T00:00:00.000Z');
  assert.equal(range?.to.toISOString(), '2025-02-01T00:00:00.000Z');
  assert.equal(parsePartitionBound('DEFAULT'), undefined);
  assert.ok(isCovered(monthOf(new Date('2025-01-20T00:00:00Z')), [range!]));
  assert.ok(!isCovered(monthOf(new Date('2025-02-20T00:00:00Z')), [range!]));
});

test('durations: 90d, 1h, 30m, bare seconds; anything else is refused', () => {
  assert.equal(parseDuration('90d'), 90 * 86_400);
  assert.equal(parseDuration('1h'), 3600);
  assert.equal(parseDuration('30m'), 1800);
  assert.equal(parseDuration('2w'), 14 * 86_400);
  assert.equal(parseDuration('45'), undefined, 'a unit is required');
  assert.equal(parseDuration('-1d'), undefined);
  assert.equal(parseDuration('1y'), undefined);
  assert.equal(parseDuration(''), undefined);
});
