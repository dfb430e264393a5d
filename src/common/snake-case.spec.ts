import assert from 'node:assert/strict';
import { test } from 'node:test';
import { toSnakeCase } from './snake-case.interceptor.js';

test('converts keys recursively, values untouched', () => {
  assert.deepEqual(toSnakeCase({ accessToken: 'aB', app: { allowedOrigins: ['https://A.example'], id: 1 }, list: [{ createdAt: 'x' }] }), {
    access_token: 'aB',
    app: { allowed_origins: ['https://A.example'], id: 1 },
    list: [{ created_at: 'x' }],
  });
  assert.equal(toSnakeCase(null), null);
  assert.equal(toSnakeCase('camelCase'), 'camelCase');
});
