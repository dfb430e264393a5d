import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { RateLimiterPostgres, RateLimiterRes } from 'rate-limiter-flexible';
import type { HandoffDataSource } from '../../src/database/data-source.js';
import { execute, SqlParameters } from '../../src/database/sql.js';
import { type Counted, StatementCounter } from '../../src/rate-limits/statement-counter.js';
import { openDataSource } from '../support/handoff.js';
import { describeEachDatabase } from '../support/test-databases.js';

/**
 * The hot path counts generate and validate in its own statement (StatementCounter), other code
 * and older instances through rate-limiter-flexible: both must count one row alike.
 */
describeEachDatabase(
  "rate-limit counts in a statement: rate-limiter-flexible's row, counted alike",
  (database) => {
    let dataSource: HandoffDataSource;
    const limit = { points: 3, seconds: 60 };

    before(async () => {
      dataSource = await openDataSource(database(), { migrate: true });
    });
    after(async () => {
      await dataSource?.destroy();
    });

    /** One count through the statement; what settle was told, or the error it threw. */
    async function countInStatement(key: string): Promise<{ counted: Counted; refused: boolean }> {
      let seen: Counted | undefined;
      const counter = new StatementCounter('rate_limits', `validate:${key}`, limit, (counted) => {
        seen = counted;
        if (counted.points > limit.points) throw new Error('over the limit');
      });
      const parameters = new SqlParameters('postgres');
      const { rows } = await execute<{ points: number; expire: string }>(
        dataSource,
        `WITH counted AS (${counter.sql(parameters)}) SELECT points, expire FROM counted`,
        parameters.values,
      );
      let refused = false;
      try {
        counter.settle({ points: Number(rows[0]!.points), expire: Number(rows[0]!.expire) }, undefined);
      } catch {
        refused = true;
      }
      return { counted: seen!, refused };
    }

    test('interleaved with the library on one key: one count, one window, the same refusal', async () => {
      const library = new RateLimiterPostgres({
        storeClient: dataSource,
        storeType: 'typeorm',
        tableName: 'rate_limits',
        tableCreated: true,
        keyPrefix: 'validate',
        points: limit.points,
        duration: limit.seconds,
      });
      const first = await library.consume('app-a');
      assert.equal(first.consumedPoints, 1);
      const second = await countInStatement('app-a');
      assert.deepEqual([second.counted.points, second.refused], [2, false]);
      // The window the library opened, to the clock's tick.
      assert.ok(Math.abs(second.counted.expire - (Date.now() + first.msBeforeNext)) < 1_000);
      assert.equal((await library.consume('app-a')).consumedPoints, 3);
      const fourth = await countInStatement('app-a');
      assert.deepEqual([fourth.counted.points, fourth.refused], [4, true]);
      await assert.rejects(library.consume('app-a'), (error) => error instanceof RateLimiterRes && error.consumedPoints === 5);
      assert.deepEqual([(await countInStatement('app-b')).counted.points], [1], 'another key counts apart');
    });

    test('a window that has ended starts again at 1, with a new end', async () => {
      await countInStatement('app-c');
      await countInStatement('app-c');
      await dataSource.query("UPDATE rate_limits SET expire = 1 WHERE key = 'validate:app-c'");
      const again = await countInStatement('app-c');
      assert.equal(again.counted.points, 1);
      assert.ok(again.counted.expire > Date.now() + 59_000);
    });
  },
  ['pglite', 'postgres'],
);
