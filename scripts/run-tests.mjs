#!/usr/bin/env node
// Runs every test on Node's built-in runner. Node 20's `--test` takes no globs, so the files are
// listed here: unit tests (`src/**/*.spec.ts`, beside the code) and database / end-to-end tests
// (`test/**/*.test.ts`), run from their compiled form in dist/. A compiled file whose source is
// gone is left out. Extra arguments go to `node --test` (e.g. --test-name-pattern=seed).
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const sources = ['src', 'test'].flatMap((folder) =>
  readdirSync(join(root, folder), { recursive: true })
    .map((file) => join(folder, String(file)))
    .filter((file) => /\.(test|spec)\.ts$/.test(file)),
);
const files = sources.sort().map((source) => join(root, 'dist', source.replace(/\.ts$/, '.js')));
const missing = files.filter((file) => !existsSync(file));
if (missing.length > 0) {
  process.stderr.write(`not compiled (run npm run build): ${missing.join(', ')}\n`);
  process.exit(1);
}

const child = spawn(
  process.execPath,
  ['--test', '--test-concurrency=2', '--test-timeout=600000', '--test-force-exit', ...process.argv.slice(2), ...files],
  { stdio: 'inherit' },
);
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
