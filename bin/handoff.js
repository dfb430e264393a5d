#!/usr/bin/env node
// The CLI is compiled TypeScript; `npm ci` builds it (the package's `prepare` script).
import { existsSync } from 'node:fs';

const entry = new URL('../dist/src/cli/main.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('handoff: not built yet; run `npm run build` first\n');
  process.exit(1);
}
await import(entry.href);
