import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import { childEnv, type Finished, finished, ROOT } from '../support/processes.js';
import { describeEachDatabase } from '../support/test-databases.js';

/** The host's own tables, as its migrations made them before Handoff arrived. */
const HOST_TABLES = {
  postgres: [
    'CREATE TABLE members (member_id SERIAL PRIMARY KEY, mail VARCHAR(255) NOT NULL UNIQUE, display_name VARCHAR(255) NOT NULL)',
    'CREATE TABLE organizations (org_id SERIAL PRIMARY KEY, title VARCHAR(255) NOT NULL, handle VARCHAR(100) NOT NULL UNIQUE)',
    'CREATE TABLE organization_members (org_id INTEGER NOT NULL, member_id INTEGER NOT NULL, member_role VARCHAR(50) NOT NULL, PRIMARY KEY (org_id, member_id))',
  ],
  mariadb: [
    'CREATE TABLE members (member_id INT AUTO_INCREMENT PRIMARY KEY, mail VARCHAR(255) NOT NULL UNIQUE, display_name VARCHAR(255) NOT NULL)',
    'CREATE TABLE organizations (org_id INT AUTO_INCREMENT PRIMARY KEY, title VARCHAR(255) NOT NULL, handle VARCHAR(100) NOT NULL UNIQUE)',
    'CREATE TABLE organization_members (org_id INT NOT NULL, member_id INT NOT NULL, member_role VARCHAR(50) NOT NULL, PRIMARY KEY (org_id, member_id))',
  ],
} as const;

const DIRECTORY = JSON.stringify({
  users: { table: 'members', id: 'member_id', email: 'mail', name: 'display_name', disabledAt: null },
  accounts: { table: 'organizations', id: 'org_id', name: 'title', slug: 'handle' },
  memberships: { table: 'organization_members', userId: 'member_id', accountId: 'org_id', role: 'member_role' },
});

function exec(command: string, args: readonly string[], cwd: string, env: Readonly<Record<string, string>> = {}): Promise<Finished> {
  return finished(spawn(command, args, { cwd, env: childEnv(env), stdio: ['ignore', 'pipe', 'pipe'] }));
}

function assertSucceeded(result: Finished, what: string): void {
  assert.equal(result.code, 0, `${what} failed:\n${result.stdout}\n${result.stderr}`);
}

let hostProject: string;

// `npm pack` of this checkout (already built by `npm test`), installed into an empty folder as a
// host project would install it.
before(async () => {
  hostProject = await mkdtemp(join(tmpdir(), 'handoff-host-project-'));
  const packed = await exec('npm', ['pack', '--ignore-scripts', '--pack-destination', hostProject], ROOT);
  assertSucceeded(packed, 'npm pack');
  const [tarball] = (await readdir(hostProject)).filter((file) => file.endsWith('.tgz'));
  assert.match(tarball ?? '', /^nestjs-handoff-\d+\.\d+\.\d+\.tgz$/);
  await writeFile(join(hostProject, 'package.json'), JSON.stringify({ name: 'host-project', private: true, type: 'module' }));
  const installed = await exec('npm', ['install', `./${tarball}`, '--no-audit', '--no-fund', '--prefer-offline'], hostProject);
  assertSucceeded(installed, 'npm install of the tarball');
});

after(async () => {
  if (hostProject) await rm(hostProject, { recursive: true, force: true });
});

it('the installed package runs `npx handoff --help` and exports the module and the SDK', async () => {
  const help = await exec('npx', ['handoff', '--help'], hostProject);
  assertSucceeded(help, 'npx handoff --help');
  assert.match(help.stdout + help.stderr, /migrate/);

  const probe = `
    const server = await import('nestjs-handoff');
    const sdk = await import('nestjs-handoff/sdk');
    console.log(JSON.stringify({
      module: typeof server.HandoffModule.forRoot, async: typeof server.HandoffModule.forRootAsync,
      entities: server.handoffEntities().length, migrations: server.handoffMigrations().length,
      clients: [typeof sdk.TargetClient, typeof sdk.SourceClient, typeof sdk.QrLoginClient, typeof sdk.HandoffError],
    }));`;
  const imported = await exec(process.execPath, ['--input-type=module', '-e', probe], hostProject);
  assertSucceeded(imported, 'importing the package');
  const exported = JSON.parse(imported.stdout) as Record<string, unknown>;
  assert.deepEqual(exported.clients, ['function', 'function', 'function', 'function']);
  assert.equal(exported.module, 'function');
  assert.equal(exported.async, 'function');
  assert.ok(Number(exported.entities) > 5 && Number(exported.migrations) > 10);
});

describeEachDatabase(
  'Package: `npx handoff migrate up` in a host project, on the host\'s own users and accounts tables',
  (database, kind) => {
    it("creates Handoff's tables with foreign keys to the host's tables, and none of its own users tables", async () => {
      for (const sql of HOST_TABLES[kind as 'postgres' | 'mariadb']) await database().admin(sql);
      const env = { ...database().env, HANDOFF_DIRECTORY: DIRECTORY };
      assertSucceeded(await exec('npx', ['handoff', 'migrate', 'up'], hostProject, env), 'npx handoff migrate up');

      const schemaFilter = kind === 'postgres' ? "table_schema = 'public'" : 'table_schema = DATABASE()';
      const tables = (await database().admin(`SELECT table_name AS name FROM information_schema.tables WHERE ${schemaFilter}`)).map((row) =>
        String(row.name ?? row.NAME),
      );
      assert.ok(tables.includes('cross_app_sessions') && tables.includes('auth_sessions'));
      assert.ok(!tables.includes('users') && !tables.includes('accounts') && !tables.includes('account_members'));

      const references =
        kind === 'postgres'
          ? await database().admin(
              `SELECT tc.table_name AS child, ccu.table_name AS parent, ccu.column_name AS parent_column
               FROM information_schema.table_constraints tc
               JOIN information_schema.constraint_column_usage ccu ON ccu.constraint_name = tc.constraint_name
               WHERE tc.constraint_type = 'FOREIGN KEY' AND tc.table_name IN ('cross_app_sessions', 'auth_sessions', 'account_resources')`,
            )
          : await database().admin(
              `SELECT table_name AS child, referenced_table_name AS parent, referenced_column_name AS parent_column
               FROM information_schema.key_column_usage
               WHERE table_schema = DATABASE() AND referenced_table_name IS NOT NULL
                 AND table_name IN ('cross_app_sessions', 'auth_sessions', 'account_resources')`,
            );
      const edges = references.map((row) => `${String(row.child)}→${String(row.parent)}.${String(row.parent_column)}`).sort();
      assert.deepEqual(edges, [
        'account_resources→organizations.org_id',
        'auth_sessions→members.member_id',
        'cross_app_sessions→members.member_id',
        'cross_app_sessions→organizations.org_id',
      ]);

      const status = await exec('npx', ['handoff', 'migrate', 'status'], hostProject, env);
      assertSucceeded(status, 'npx handoff migrate status');
      assert.doesNotMatch(status.stdout + status.stderr, /CreateUsers/);
    });
  },
  ['postgres', 'mariadb'],
);
