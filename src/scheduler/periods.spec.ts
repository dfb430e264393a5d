import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nextPeriodStart, periodStart } from './periods.js';

test('periods are aligned on the epoch: a daily job at UTC midnight, a 10-minute job on the tens', () => {
  const day = 86_400_000;
  const at = Date.parse('2026-03-14T15:09:26.535Z');
  assert.equal(new Date(periodStart(at, day)).toISOString(), '2026-03-14T00:00:00.000Z');
  assert.equal(new Date(nextPeriodStart(at, day)).toISOString(), '2026-03-15T00:00:00.000Z');
  assert.equal(new Date(periodStart(at, 600_000)).toISOString(), '2026-03-14T15:00:00.000Z');
  assert.equal(new Date(nextPeriodStart(at, 600_000)).toISOString(), '2026-03-14T15:10:00.000Z');
});

test('two instances whose timers fire at different moments of one period compute the same period', () => {
  const start = Date.parse('2026-03-14T15:10:00.000Z');
  assert.equal(periodStart(start + 1, 600_000), periodStart(start + 599_999, 600_000));
  assert.notEqual(periodStart(start - 1, 600_000), periodStart(start, 600_000));
});
