import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

// Issue 13: a database command answers in about a second because the CLI builds its services
// without NestJS (cli-services.ts). One `import { Logger } from '@nestjs/common'` in a service
// would load @nestjs/common's index and rxjs again, some 400 modules, for every command.

const IMPORT = /(?:^\s*(?:import|export)\s+(?:[^'";]*?\sfrom\s+)?|\bimport\(\s*)['"]([^'"]+)['"]/gm;

/** The packages the compiled CLI can reach, through static and dynamic imports alike. */
function packagesReachedFrom(entry: URL): Set<string> {
  const seen = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: URL): void => {
    if (seen.has(file.href)) return;
    seen.add(file.href);
    for (const [, specifier] of readFileSync(file, 'utf8').matchAll(IMPORT)) {
      if (specifier!.startsWith('.')) visit(new URL(specifier!, file));
      else if (!specifier!.startsWith('node:')) packages.add(specifier!);
    }
  };
  visit(entry);
  return packages;
}

test('no CLI command reaches NestJS beyond its two DI decorators', () => {
  const reached = [...packagesReachedFrom(new URL('./main.js', import.meta.url))];
  assert.ok(reached.includes('typeorm'), 'the walk follows the commands into the services');
  assert.deepEqual(
    reached.filter((name) => /^(@nestjs\/|rxjs|fastify)/.test(name)).sort(),
    ['@nestjs/common/decorators/core/inject.decorator.js', '@nestjs/common/decorators/core/injectable.decorator.js'],
  );
});
