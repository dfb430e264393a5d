import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'node:test';
import type { z } from 'zod';
import type { IntrospectionDto } from '../../src/access-tokens/authentication.service.js';
import { ERROR_CODES } from '../../src/common/errors/error-codes.js';
import type {
  GeneratedSessionDto,
  GenerateSessionDto,
  UserAccountsSchema,
  ValidatedSessionDto,
} from '../../src/cross-app/cross-app.schemas.js';
import type {
  CreatedLoginRequestDto,
  ExchangedTokenDto,
  PendingLoginRequestDto,
  PollResultDto,
} from '../../src/qr-login/qr-login.schemas.js';
import { CLIENT_ERROR_CODES, SERVER_ERROR_CODES } from '../../src/sdk/index.js';
import type {
  ExchangedToken,
  GeneratedSession,
  GenerateSessionInput,
  Introspection,
  PendingQrLogin,
  QrLoginRequest,
  QrPollResult,
  UserAccount,
  ValidatedSession,
} from '../../src/sdk/index.js';

// Issue 10, item 5: the SDK copies the server's codes and shapes (it may import no server code),
// so these checks keep the copies equal to the originals.

/** Compiles only when A and B accept the same values. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const shapesAgree: [
  Same<GenerateSessionInput, GenerateSessionDto>,
  Same<GeneratedSession, GeneratedSessionDto>,
  Same<ValidatedSession, ValidatedSessionDto>,
  Same<UserAccount, z.infer<typeof UserAccountsSchema>['accounts'][number]>,
  Same<Introspection, IntrospectionDto>,
  Same<QrLoginRequest, CreatedLoginRequestDto>,
  Same<QrPollResult, PollResultDto>,
  Same<PendingQrLogin, PendingLoginRequestDto>,
  Same<ExchangedToken, ExchangedTokenDto>,
] = [true, true, true, true, true, true, true, true, true];

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const compiledSdk = join(root, 'dist/src/sdk');

describe('SDK contract', () => {
  test("the SDK's server error codes are exactly the server's", () => {
    assert.ok(shapesAgree.every(Boolean));
    assert.equal(new Set(SERVER_ERROR_CODES).size, SERVER_ERROR_CODES.length, 'no code twice');
    assert.deepEqual([...SERVER_ERROR_CODES].sort(), Object.keys(ERROR_CODES).sort());
    for (const code of CLIENT_ERROR_CODES) assert.ok(!Object.hasOwn(ERROR_CODES, code), `${code} is the SDK's own, not a server code`);
  });

  test('the compiled SDK imports nothing outside dist/src/sdk: no server code, no packages, no node: modules', () => {
    // Every compiled module, and whatever they import, transitively: type-only modules too.
    const modules = readdirSync(compiledSdk).filter((name) => name.endsWith('.js') && !name.endsWith('.spec.js'));
    assert.ok(modules.includes('index.js'));
    const seen = new Set<string>();
    const pending = modules.map((name) => join(compiledSdk, name));
    const escapes: string[] = [];
    while (pending.length > 0) {
      const file = pending.pop()!;
      if (seen.has(file)) continue;
      seen.add(file);
      for (const specifier of importsOf(readFileSync(file, 'utf8'))) {
        const target = specifier.startsWith('.') ? resolve(dirname(file), specifier) : undefined;
        if (!target || relative(compiledSdk, target).startsWith('..')) escapes.push(`${relative(root, file)} imports ${specifier}`);
        else pending.push(target);
      }
    }
    assert.deepEqual(escapes, []);
    // The walk reads what it should: the entry's own imports are found.
    assert.ok(importsOf(readFileSync(join(compiledSdk, 'index.js'), 'utf8')).includes('./target-client.js'));
  });

  test('the SDK type-checks as a browser sees it: DOM globals only, no Node types', () => {
    const tsc = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'src/sdk/tsconfig.json')], { encoding: 'utf8' });
    assert.equal(tsc.status, 0, tsc.stdout + tsc.stderr);
  });
});

/** Specifiers of static imports and re-exports, and of dynamic imports with a literal. */
function importsOf(source: string): string[] {
  const patterns = [/\bfrom\s*['"]([^'"]+)['"]/g, /\bimport\s*['"]([^'"]+)['"]/g, /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g, /\brequire\s*\(\s*['"]([^'"]+)['"]\s*\)/g];
  return patterns.flatMap((pattern) => [...source.matchAll(pattern)].map((match) => match[1]!));
}
