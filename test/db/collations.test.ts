import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { HandoffDataSource } from '../../src/database/data-source.js';
import { TEXT_COLUMNS } from '../../src/database/dialect-columns.js';
import { openDataSource } from '../support/handoff.js';
import { describeEachDatabase } from '../support/test-databases.js';

/**
 * Issue 12 item 1. The rule: on MariaDB every string column of Handoff's tables holds an
 * identifier, a hash or a code and compares byte for byte, without padding — except the columns
 * dialect-columns.ts lists in TEXT_COLUMNS, each with its reason (e-mails, names, user agents).
 * The walk covers every table, so a column added later without a thought fails here.
 */
describeEachDatabase(
  'identifier collations',
  (database) => {
    let dataSource: HandoffDataSource;

    before(async () => {
      dataSource = await openDataSource(database(), { migrate: true });
    });
    after(async () => {
      await dataSource?.destroy();
    });

    test('every string column is binary NO PAD but the listed text columns', async () => {
      const columns: Array<{ name: string; collation: string }> = await dataSource.query(
        `SELECT CONCAT(TABLE_NAME, '.', COLUMN_NAME) AS name, COLLATION_NAME AS collation
         FROM information_schema.COLUMNS
         WHERE TABLE_SCHEMA = DATABASE() AND COLLATION_NAME IS NOT NULL AND TABLE_NAME <> 'migrations'
         ORDER BY 1`,
      );
      assert.ok(columns.length > 30, 'the walk sees the schema');
      const wrong = columns.filter(
        (column) => column.collation !== (column.name in TEXT_COLUMNS ? 'utf8mb4_unicode_ci' : 'utf8mb4_nopad_bin'),
      );
      assert.deepEqual(wrong, []);
      const names = new Set(columns.map((column) => column.name));
      for (const exception of Object.keys(TEXT_COLUMNS)) assert.ok(names.has(exception), `${exception} exists`);
    });

    test('values that differ by case, accent or a trailing space are distinct keys', async () => {
      const subjects = ['Victim-x', 'victim-x', 'pad-x', 'pad-x ', 'acc-e-x', 'acc-é-x', 'stra-ss-x', 'stra-ß-x'];
      for (const subject of subjects) {
        await dataSource.query(
          'INSERT INTO external_identity_tombstones (external_issuer, external_subject) VALUES (?, ?)',
          ['iss', subject],
        );
      }
      for (const subject of subjects) {
        const rows = await dataSource.query(
          'SELECT external_subject FROM external_identity_tombstones WHERE external_issuer = ? AND external_subject = ?',
          ['iss', subject],
        );
        assert.deepEqual(rows, [{ external_subject: subject }], JSON.stringify(subject));
      }
    });
  },
  ['mariadb'],
);
