import assert from 'node:assert/strict';
import { test } from 'node:test';
import { migrations } from '../../src/database/migrations/index.js';
import { handoff, run } from '../support/processes.js';
import { describeEachDatabase } from '../support/test-databases.js';

const names = migrations.map((migration) => migration.name);

/** The TypeORM CLI against the project's DataSource, as `npm run typeorm -- …` runs it (minus the build). */
function typeorm(args: readonly string[], env: Readonly<Record<string, string>>) {
  return run('node_modules/.bin/typeorm', ['-d', 'dist/src/database/typeorm-cli.data-source.js', ...args], env);
}

describeEachDatabase('the handoff and TypeORM command lines', (database, kind) => {
  // MariaDB is reached here through a mysql:// URL (elsewhere mariadb://): both schemes work.
  const env = (): Record<string, string> => {
    const { DATABASE_URL, ...rest } = database().env;
    return kind === 'mariadb' && DATABASE_URL
      ? { ...rest, DATABASE_URL: DATABASE_URL.replace(/^mariadb:/, 'mysql:') }
      : database().env;
  };

  const status = async (): Promise<Array<{ name: string; applied: boolean }>> => {
    const result = await handoff(['migrate', 'status', '--json'], env());
    assert.equal(result.code, 0, result.stderr);
    return JSON.parse(result.stdout) as Array<{ name: string; applied: boolean }>;
  };
  const appliedNames = async (): Promise<string[]> =>
    (await status()).filter((state) => state.applied).map((state) => state.name);

  test('handoff migrate status lists every migration as pending on an empty database', async () => {
    assert.deepEqual(await status(), names.map((name) => ({ name, applied: false })));
    const text = await handoff(['migrate', 'status'], env());
    assert.equal(text.stdout.trim().split('\n').length, names.length);
    assert.match(text.stdout, /^\[ \] CreateUsers1642600000000$/m);
  });

  test('handoff migrate up applies them all; down reverts one; down --all reverts the rest', async () => {
    const up = await handoff(['migrate', 'up'], env());
    assert.equal(up.code, 0, up.stderr);
    assert.equal(up.stdout, '', 'messages go to stderr');
    assert.match(up.stderr, new RegExp(`applied ${names.length}:`));
    assert.deepEqual(await appliedNames(), names);

    const down = await handoff(['migrate', 'down'], env());
    assert.equal(down.code, 0, down.stderr);
    assert.deepEqual(await appliedNames(), names.slice(0, -1));

    const all = await handoff(['migrate', 'down', '--all'], env());
    assert.equal(all.code, 0, all.stderr);
    assert.deepEqual(await appliedNames(), []);
  });

  test('npm run typeorm -- migration:run, migration:show, migration:revert', async () => {
    const runResult = await typeorm(['migration:run'], env());
    assert.equal(runResult.code, 0, runResult.stderr);
    assert.deepEqual(await appliedNames(), names);

    const show = await typeorm(['migration:show'], env());
    assert.equal(show.code, 0, show.stderr);
    for (const name of names) assert.match(show.stdout, new RegExp(`\\[X\\] \\d+ ${name}`));

    const revert = await typeorm(['migration:revert'], env());
    assert.equal(revert.code, 0, revert.stderr);
    assert.deepEqual(await appliedNames(), names.slice(0, -1));
    assert.equal((await handoff(['migrate', 'up'], env())).code, 0);
  });

  test('handoff seed creates the demo data once', async () => {
    const first = await handoff(['seed'], env());
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stderr, /^seeded test@example\.com/);
    const second = await handoff(['seed'], env());
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stderr, /nothing changed/);
  });

  test('bad arguments end with a message and a non-zero exit', async () => {
    const result = await handoff(['migrate', 'down', '--steps', '0'], env());
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /must be a positive integer/);
  });
});
