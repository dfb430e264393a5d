import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DataSource } from 'typeorm';
import { dialectOf } from '../../src/database/dialect.js';
import { migrationStatus } from '../../src/database/migration-runner.js';
import { buildDesignDocumentDatabase } from '../support/design-document-fixture.js';
import { openDataSource } from '../support/handoff.js';
import { handoff } from '../support/processes.js';
import { schemaSnapshot } from '../support/schema-snapshot.js';
import { describeEachDatabase, type TestDatabase } from '../support/test-databases.js';
import { TestServer } from '../support/test-server.js';

/** The documents' tables and the columns the documents gave them: what must survive, row for row. */
const DOCUMENT_COLUMNS: Record<string, string> = {
  users: 'id, email, name, created_at',
  accounts: 'id, name, slug, created_at',
  cross_app_sessions:
    'id, token_hash, user_id, account_id, expires_at, created_at, used_at, revoked_at, source_app, target_app, user_agent, ip_address',
  auth_user_tokens: 'id, user_id, disabled, access_token, created_at, updated_at',
  auth_sessions: 'id, device_code_hash, user_code, status, user_id, created_at, expires_at, exchange_token, is_exchanged',
};

async function documentRows(dataSource: DataSource): Promise<Record<string, unknown[]>> {
  const rows: Record<string, unknown[]> = {};
  for (const [table, columns] of Object.entries(DOCUMENT_COLUMNS)) {
    const cast = dialectOf(dataSource) === 'postgres' ? columns.replace('ip_address', 'host(ip_address) AS ip_address') : columns;
    rows[table] = (await dataSource.query(`SELECT ${cast} FROM ${table} ORDER BY id`)).map((row: Record<string, unknown>) =>
      Object.fromEntries(Object.entries(row).map(([key, value]) => [key, normalise(value)])),
    );
  }
  return rows;
}

function normalise(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'boolean') return Number(value);
  return value;
}

async function withDataSource<T>(database: TestDatabase, work: (dataSource: DataSource) => Promise<T>): Promise<T> {
  const dataSource = await openDataSource(database);
  try {
    return await work(dataSource);
  } finally {
    await dataSource.destroy();
  }
}

// Issue 10 item 3.
describeEachDatabase('adopting a database made from the design documents', (database) => {
  test('migrate up records the documents\' migrations, upgrades the tables in place and loses no row', async () => {
    const { liveToken, userEmail, accountId } = await withDataSource(database(), (dataSource) =>
      buildDesignDocumentDatabase(dataSource),
    );
    const before = await withDataSource(database(), documentRows);

    const result = await handoff(['migrate', 'up'], database().env);
    assert.equal(result.code, 0, `${result.stdout}\n${result.stderr}`);
    assert.match(result.stderr, /took over tables made from the design documents/);
    for (const name of ['CreateUsers1642600000000', 'CreateCrossAppSessions1642700000000', 'CreateAuthUserTokens1708996044000']) {
      assert.match(result.stderr, new RegExp(`recorded[^]*${name}`));
    }

    await withDataSource(database(), async (dataSource) => {
      assert.ok((await migrationStatus(dataSource)).every((state) => state.applied), 'every migration applied');
      assert.deepEqual(await documentRows(dataSource), before, 'every row, every value');
      const drift = await dataSource.driver.createSchemaBuilder().log();
      assert.deepEqual(drift.upQueries.map((query) => query.query), [], 'the adopted schema is the migrations\' schema');
    });

    const server = await TestServer.start(database());
    try {
      const secret = await server.app('hi-events');
      const validated = await server.request('POST', '/api/cross-app/validate-session', {
        headers: { 'x-shared-secret': secret },
        json: { session_token: liveToken },
      });
      assert.equal(validated.status, 200, validated.text);
      assert.equal(validated.body.valid, true);
      assert.equal(validated.body.email, userEmail);
      assert.equal(validated.body.account_id, accountId);
    } finally {
      await server.close();
    }
  });
});

describeEachDatabase('a design-document database that differs is not touched', (database) => {
  test('migrate up and a server start stop with SCHEMA_MISMATCH naming the column and the index', async () => {
    await withDataSource(database(), (dataSource) =>
      buildDesignDocumentDatabase(dataSource, (statements) =>
        statements
          .filter((statement) => !statement.includes('idx_cross_app_sessions_created_at'))
          .map((statement) => statement.replace('user_agent TEXT', 'user_agent VARCHAR(500)')),
      ),
    );
    const before = await withDataSource(database(), async (dataSource) => ({
      schema: await schemaSnapshot(dataSource),
      rows: await documentRows(dataSource),
    }));

    const result = await handoff(['migrate', 'up'], database().env);
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stderr, /\(SCHEMA_MISMATCH\)/);
    assert.match(result.stderr, /cross_app_sessions \(design document 001\)/);
    assert.match(result.stderr, /column user_agent is "(character varying|varchar)\(500\)" \(expected: text\)/);
    assert.match(result.stderr, /index idx_cross_app_sessions_created_at is missing/);

    await assert.rejects(TestServer.start(database()), (error: Error) => {
      assert.match(error.message, /^migrations: .*column user_agent.*\(SCHEMA_MISMATCH\)$/s);
      return true;
    });

    await withDataSource(database(), async (dataSource) => {
      assert.deepEqual(
        { schema: await schemaSnapshot(dataSource), rows: await documentRows(dataSource) },
        before,
        'nothing was changed',
      );
    });
  });
});
