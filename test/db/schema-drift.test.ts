import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { HandoffDataSource } from '../../src/database/data-source.js';
import { entities } from '../../src/database/entities.js';
import { openDataSource } from '../support/handoff.js';
import { run } from '../support/processes.js';
import { describeEachDatabase } from '../support/test-databases.js';

/**
 * Issue 10 item 4: after every migration, TypeORM's schema diff between the server's entities and
 * the database is empty — `migration:generate` would write nothing, `schema:sync` would change
 * nothing. Nothing is explained away: no list of "known equivalent" statements.
 */
describeEachDatabase('schema drift', (database) => {
  let dataSource: HandoffDataSource | undefined;

  before(async () => {
    dataSource = await openDataSource(database(), { migrate: true });
  });
  after(async () => {
    await dataSource?.destroy();
  });

  test('the server DataSource uses every entity of the server', () => {
    assert.deepEqual(
      dataSource!.entityMetadatas.map((metadata) => metadata.target).sort(),
      [...entities].sort(),
    );
  });

  test("TypeORM's schema builder finds nothing to change after migrate up", async () => {
    const log = await dataSource!.driver.createSchemaBuilder().log();
    assert.deepEqual(
      log.upQueries.map((query) => query.query),
      [],
    );
  });

  test('`typeorm schema:log` on the project DataSource reports the schema up to date', async () => {
    // PGlite is single-process: the CLI opens the same data directory, so this one lets go first.
    await dataSource!.destroy();
    dataSource = undefined;
    const result = await run(
      process.execPath,
      ['node_modules/typeorm/cli.js', 'schema:log', '-d', 'dist/src/database/typeorm-cli.data-source.js'],
      database().env,
    );
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /Your schema is up to date/);
    assert.doesNotMatch(result.stdout, /ALTER|CREATE|DROP/);
  });
});
