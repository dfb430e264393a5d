import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { childEnv, finished, type Finished, handoff, ROOT} from '../support/processes.js';

/** The CLI as run from another folder (its own `.env`). */
function handoffIn(cwd: string, args: readonly string[], env: Record<string, string> = {}): Promise<Finished> {
  const child = spawn(process.execPath, [join(ROOT, 'bin/handoff.js'), ...args], { cwd, env: childEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  return finished(child);
}

describe('CLI commands that need no database', () => {
  let dataDir: string;

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'handoff-cli-light-'));
  });
  after(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  test('handoff secret prints a fresh 32-byte secret', async () => {
    const [first, second] = await Promise.all([handoff(['secret'], {}), handoff(['secret'], {})]);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /^[A-Za-z0-9_-]{43}\n$/);
    assert.equal(Buffer.from(first.stdout.trim(), 'base64url').length, 32);
    assert.notEqual(first.stdout, second.stdout);
  });

  test('handoff admin-token prints the embedded database\'s generated token, or HANDOFF_ADMIN_TOKEN', async () => {
    const generated = await handoff(['admin-token'], { HANDOFF_DATA_DIR: dataDir });
    assert.equal(generated.code, 0, generated.stderr);
    const stored = JSON.parse(readFileSync(join(dataDir, 'secrets.json'), 'utf8')) as { adminToken: string };
    assert.equal(generated.stdout, `${stored.adminToken}\n`);
    const given = 'g'.repeat(40);
    assert.equal((await handoff(['admin-token'], { HANDOFF_DATA_DIR: dataDir, HANDOFF_ADMIN_TOKEN: given })).stdout, `${given}\n`);
  });

  test('a .env file in the working folder is read; the environment wins over it', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'handoff-dotenv-'));
    try {
      writeFileSync(join(folder, '.env'), `HANDOFF_ADMIN_TOKEN=${'e'.repeat(40)}\nHANDOFF_DATA_DIR=${dataDir}\n`);
      assert.equal((await handoffIn(folder, ['admin-token'])).stdout, `${'e'.repeat(40)}\n`);
      assert.equal((await handoffIn(folder, ['admin-token'], { HANDOFF_ADMIN_TOKEN: 'f'.repeat(40) })).stdout, `${'f'.repeat(40)}\n`);
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });

  test('handoff url without a server says what to do; durations need their unit', async () => {
    const none = await handoff(['url'], { HANDOFF_DATA_DIR: dataDir });
    assert.equal(none.code, 1);
    assert.match(none.stderr, /^handoff: no server runs on this data folder: start one with `npm start`\n$/);
    const badWait = await handoff(['url', '--wait', '60'], { HANDOFF_DATA_DIR: dataDir });
    assert.notEqual(badWait.code, 0);
    assert.match(badWait.stderr, /a duration with its unit, like 90s, 15m, 1h or 90d/);
    // Every duration option is written the same way: a bare number of seconds is refused.
    const badTtl = await handoff(['tokens', 'issue', '--user', 'a@example.com', '--ttl', '600'], { HANDOFF_DATA_DIR: dataDir });
    assert.notEqual(badTtl.code, 0);
    assert.match(badTtl.stderr, /--ttl.*must be a duration of at least 60s, such as 15m, 1h or 7d/);
    const badGrace = await handoff(['cleanup', '--grace', '3600'], { HANDOFF_DATA_DIR: dataDir });
    assert.notEqual(badGrace.code, 0);
    assert.match(badGrace.stderr, /--grace.*duration with its unit/);

    // With a server running: README's test (one server start for both, they are slow on PGlite).
  });
});
