import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { childEnv, finished, type Finished, handoff, ROOT, type ServerProcess, startServerProcess } from '../support/processes.js';

const README = readFileSync(join(ROOT, 'README.md'), 'utf8');

/** The fenced `sh` blocks of the "Try it" section, by the heading above each. */
function tryItBlocks(): Array<{ heading: string; script: string }> {
  const section = README.split(/^## /m).find((part) => part.startsWith('Try it'));
  assert.ok(section, 'README has a "Try it" section');
  const blocks: Array<{ heading: string; script: string }> = [];
  let heading = '';
  for (const match of section.matchAll(/^### (.+)$|^```sh\n([\s\S]*?)^```$/gm)) {
    if (match[1]) heading = match[1];
    else blocks.push({ heading, script: match[2]! });
  }
  return blocks;
}

async function waitFor(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A fresh shell in the repository, as a reader's: `-e` and `pipefail` so that any failing step fails the block. */
function runBlock(script: string, env: Record<string, string>): Promise<Finished> {
  const child = spawn('bash', ['-e', '-o', 'pipefail', '-c', script], {
    cwd: ROOT,
    env: childEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return finished(child);
}

describe('README', () => {
  test('is short, says how to run and test, and links documents that exist', () => {
    assert.ok(Buffer.byteLength(README) <= 8_500, `README is ${Buffer.byteLength(README)} bytes`);
    assert.match(README, /^npm ci && npm start$/m);
    assert.match(README, /^npm test$/m, 'CI reads the literal `npm test`');
    const linked = [...README.matchAll(/\]\((docs\/[^)#]+)\)/g)].map((match) => match[1]!);
    assert.ok(linked.length >= 8);
    for (const path of linked) {
      assert.ok(existsSync(join(ROOT, path)), `${path} exists`);
    }
  });

  describe('"Try it", run as written against a fresh server', () => {
    let dataDir: string;
    let server: ServerProcess;
    // The reader's shell need not know the server's port: a wrong PORT there must not matter.
    const shellEnv = (): Record<string, string> => ({ HANDOFF_DATA_DIR: dataDir, PORT: '1' });

    before(async () => {
      dataDir = await mkdtemp(join(tmpdir(), 'handoff-readme-'));
      // A first start on PGlite creates its database: slow on a busy machine.
      server = await startServerProcess({ HANDOFF_DATA_DIR: dataDir, PORT: '0' }, { timeoutMs: 240_000 });
    });
    after(async () => {
      assert.equal((await server?.stop())?.code, 0);
      assert.equal((await handoff(['url'], shellEnv())).code, 1, 'a stopped server forgets its address');
      await rm(dataDir, { recursive: true, force: true });
    });

    const expectations: Record<string, RegExp[]> = {
      'Cross-app': [/"valid":true/, /"email":"test@example.com"/, /^again: 404$/m],
      'QR-code': [/"status":"approved"/, /"access_token":"ey/],
      'Access tokens': [/"email":"test@example.com"/, /"active":true/, /"revoked":\d+/, /^after revoking: 401$/m],
    };

    test('handoff url finds the server whatever PORT says; a database command says at once what to do', async () => {
      const found = await handoff(['url'], shellEnv());
      assert.equal(found.stdout, `${server.url}\n`);
      const busy = await handoff(['users', 'list'], shellEnv());
      assert.equal(busy.code, 1);
      assert.match(busy.stderr, /^handoff: a Handoff server \(pid \d+\) holds the embedded database at http:\/\/127\.0\.0\.1:\d+: stop it first, or do this through its admin API/);
    });

    test('the demo demos: generate-session with {} and a validate work right after the first start', async () => {
      // Read from the start: the secret is written right after the address the start waited for.
      await waitFor(() => /shared secret \(shown once\):\n {2}[0-9a-f]{64}/.test(server.stderr()));
      const serverStderr = server.stderr();
      const appSecret = /registered the demo target app "hi-events"; its shared secret \(shown once\):\n {2}([0-9a-f]{64})/.exec(serverStderr)?.[1];
      assert.ok(appSecret, serverStderr);
      const admin = JSON.parse(readFileSync(join(dataDir, 'secrets.json'), 'utf8')) as { adminToken: string };
      assert.ok(serverStderr.includes(admin.adminToken), 'printed with the admin token');
      const post = (path: string, headers: Record<string, string>, body: unknown) =>
        fetch(`${server.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
      const issued = (await (await post('/api/admin/tokens', { authorization: `Bearer ${admin.adminToken}` }, { email: 'test@example.com' })).json()) as {
        access_token: string;
      };
      const generated = await post('/api/cross-app/generate-session', { authorization: `Bearer ${issued.access_token}` }, {});
      assert.equal(generated.status, 200);
      const handoffToken = (await generated.json()) as { session_token: string; target_app: string };
      assert.equal(handoffToken.target_app, 'hi-events');
      const validated = await post('/api/cross-app/validate-session', { 'x-shared-secret': appSecret }, { session_token: handoffToken.session_token });
      assert.equal(validated.status, 200);
      assert.equal(((await validated.json()) as { email: string }).email, 'test@example.com');
      const live = await fetch(`${server.url}/api/admin/sessions?email=test@example.com&state=active`, {
        headers: { authorization: `Bearer ${admin.adminToken}` },
      });
      const sessions = ((await live.json()) as { sessions: Array<{ source_app: string }> }).sessions;
      assert.ok(sessions.some((session) => session.source_app === 'test'), "the demo's live session");
    });

    test('GET / leads to the dashboard, the API documentation and the QR page', async () => {
      const home = await fetch(`${server.url}/`);
      assert.equal(home.status, 200);
      assert.match(home.headers.get('content-type') ?? '', /^text\/html/);
      assert.match(home.headers.get('content-security-policy') ?? '', /default-src 'none'/);
      const html = await home.text();
      // Relative links: the same page works under a host app's route prefix.
      for (const link of ['admin', 'docs', 'qr', 'device']) assert.ok(html.includes(`href="${link}"`), link);
      for (const link of ['admin', 'docs', 'qr']) assert.notEqual((await fetch(new URL(link, `${server.url}/`))).status, 404, link);
    });

    test('has one block per capability', () => {
      assert.deepEqual(
        tryItBlocks().map((block) => Object.keys(expectations).find((prefix) => block.heading.startsWith(prefix))),
        Object.keys(expectations),
      );
    });

    for (const [prefix, patterns] of Object.entries(expectations)) {
      test(`${prefix}: each step succeeds`, async () => {
        const block = tryItBlocks().find((candidate) => candidate.heading.startsWith(prefix));
        assert.ok(block, `a block under "${prefix}…"`);
        const result = await runBlock(block.script, shellEnv());
        assert.equal(result.code, 0, `exit code; stdout:\n${result.stdout}\nstderr:\n${result.stderr}`);
        for (const pattern of patterns) assert.match(result.stdout, pattern);
      });
    }
  });
});
