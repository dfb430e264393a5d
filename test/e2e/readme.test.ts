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
    // Written in parallel branches (perf, hardening, schema, SDK, embedding); the others must exist here.
    const elsewhere = new Set(['docs/benchmarks.md', 'docs/hardening.md', 'docs/schema.md', 'docs/sdk.md', 'docs/embedding.md']);
    const linked = [...README.matchAll(/\]\((docs\/[^)#]+)\)/g)].map((match) => match[1]!);
    assert.ok(linked.length >= 8);
    for (const path of linked) {
      if (!elsewhere.has(path)) assert.ok(existsSync(join(ROOT, path)), `${path} exists`);
    }
  });

  describe('"Try it", run as written against a fresh server', () => {
    let dataDir: string;
    let server: ServerProcess;
    // The reader's shell need not know the server's port: a wrong PORT there must not matter.
    const shellEnv = (): Record<string, string> => ({ HANDOFF_DATA_DIR: dataDir, PORT: '1' });

    before(async () => {
      dataDir = await mkdtemp(join(tmpdir(), 'handoff-readme-'));
      server = await startServerProcess({ HANDOFF_DATA_DIR: dataDir, PORT: '0' });
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
      assert.match(busy.stderr, /in use by another Handoff process/);
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
