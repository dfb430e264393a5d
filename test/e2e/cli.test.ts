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
    if (kind === 'postgres') {
      assert.deepEqual(
        await database().admin(`SELECT column_name, data_type, is_nullable, column_default
          FROM information_schema.columns
          WHERE table_name = 'auth_sessions' AND column_name IN ('exchange_token', 'is_exchanged')
          ORDER BY column_name`),
        [
          { column_name: 'exchange_token', data_type: 'character varying', is_nullable: 'YES', column_default: null },
          { column_name: 'is_exchanged', data_type: 'boolean', is_nullable: 'NO', column_default: 'false' },
        ],
      );
    }

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
    assert.match(first.stderr, /registered the target app hi-events; its shared secret \(shown once\): [0-9a-f]{64}/);
    const second = await handoff(['seed'], env());
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stderr, /nothing changed/);
  });

  test('standalone admin commands print only what a script reads on stdout', async () => {
    const userId = await handoff(['users', 'add', '--email', 'Cli.User@Example.com', '--name', 'Cli User'], env());
    assert.equal(userId.code, 0, userId.stderr);
    assert.match(userId.stdout, /^\d+\n$/);
    const accountId = await handoff(['accounts', 'add', '--name', 'Cli Org', '--slug', 'cli-org'], env());
    assert.match(accountId.stdout, /^\d+\n$/);
    const member = await handoff(['members', 'add', '--user', 'cli.user@example.com', '--account', 'cli-org', '--role', 'owner'], env());
    assert.equal(member.code, 0, member.stderr);
    const members = await handoff(['members', 'list', '--account', 'cli-org', '--json'], env());
    assert.deepEqual(
      (JSON.parse(members.stdout) as Array<{ email: string; role: string }>).map((m) => [m.email, m.role]),
      [['cli.user@example.com', 'owner']],
    );

    const secret = await handoff(['apps', 'add', 'cli-app', '--origin', 'https://cli.example.com'], env());
    assert.equal(secret.code, 0, secret.stderr);
    assert.match(secret.stdout, /^[0-9a-f]{64}\n$/, 'the secret alone');
    const rotated = await handoff(['apps', 'rotate-secret', 'cli-app'], env());
    assert.match(rotated.stdout, /^[0-9a-f]{64}\n$/);
    assert.notEqual(rotated.stdout, secret.stdout);
    // The demo seed above registered the default target app too.
    const apps = async () =>
      (JSON.parse((await handoff(['apps', 'list', '--json'], env())).stdout) as Array<{ name: string; activeSecrets: number }>).filter(
        (app) => app.name !== 'hi-events',
      );
    assert.deepEqual((await apps()).map((app) => [app.name, app.activeSecrets]), [['cli-app', 2]]);
    assert.equal((await handoff(['apps', 'retire-secret', 'cli-app'], env())).code, 0);
    assert.deepEqual((await apps()).map((app) => [app.name, app.activeSecrets]), [['cli-app', 1]]);
    const publicClient = await handoff(['apps', 'add', 'cli-tv', '--public'], env());
    assert.equal(publicClient.code, 0, publicClient.stderr);
    assert.equal(publicClient.stdout, '', 'a public client has no secret to print');
    assert.match(publicClient.stderr, /public client cli-tv/);
    assert.notEqual((await handoff(['apps', 'rotate-secret', 'cli-tv'], env())).code, 0, 'nor one to rotate');
    assert.deepEqual(
      (await apps()).map((app) => [app.name, app.activeSecrets]),
      [['cli-app', 1], ['cli-tv', 0]],
    );
    const added = await handoff(['resources', 'add', '--account', 'cli-org', '--id', 'event-7'], env());
    assert.equal(added.code, 0, added.stderr);
    assert.deepEqual(JSON.parse((await handoff(['resources', 'list', '--account', 'cli-org', '--json'], env())).stdout), ['event-7']);
    const token = await handoff(['tokens', 'issue', '--user', 'cli.user@example.com', '--ttl', '10m'], env());
    assert.equal(token.code, 0, token.stderr);
    assert.match(token.stdout, /^eyJ[\w-]+\.[\w-]+\.[\w-]+\n$/, 'the JWT alone');
    const payload = JSON.parse(Buffer.from(token.stdout.split('.')[1]!, 'base64url').toString()) as Record<string, number>;
    assert.equal(payload.exp! - payload.iat!, 600);
    const kid = await handoff(['keys', 'rotate'], env());
    assert.equal(kid.code, 0, kid.stderr);
    const keys = await handoff(['keys', 'list', '--json'], env());
    assert.deepEqual(
      (JSON.parse(keys.stdout) as Array<{ status: string }>).map((key) => key.status),
      ['current', 'published'],
    );

    const duplicate = await handoff(['users', 'add', '--email', 'cli.user@example.com'], env());
    assert.equal(duplicate.code, 1);
    assert.match(duplicate.stderr, /^handoff: A user with this email exists \(USER_EXISTS\)\n$/);
    const disabled = await handoff(['users', 'disable', '--email', 'cli.user@example.com'], env());
    assert.equal(disabled.code, 0, disabled.stderr);
    assert.match(disabled.stderr, /1 token\(s\) disabled/);
  });

  test('bad arguments end with a message and a non-zero exit', async () => {
    const result = await handoff(['migrate', 'down', '--steps', '0'], env());
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /must be a positive integer/);
  });
});

test('the CLI against an unreachable database: one line, exit code 1', async () => {
  const result = await handoff(['migrate', 'status'], {
    DATABASE_URL: 'postgres://handoff:pa55word@127.0.0.1:1/handoff',
    HANDOFF_KEY_ENCRYPTION_SECRET: 'k'.repeat(32),
  });
  assert.equal(result.code, 1);
  assert.equal(
    result.stderr,
    'handoff: DATABASE_URL: cannot connect to postgres://handoff@127.0.0.1:1/handoff (connection refused)\n',
  );
});
