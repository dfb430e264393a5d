import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { compareShapes } from './adopt-design-document-tables.js';
import type { AdoptionStage } from './design-document-tables.js';

const stage: AdoptionStage = {
  migrations: ['CreateThings1'],
  shape: {
    postgres: { 'column id': 'integer NOT NULL', 'trigger touch': 'CREATE TRIGGER touch …' },
    mysql: {
      'column id': 'int NOT NULL',
      'index things_id_key': 'UNIQUE (id)',
      'constraint fk_owner': 'FOREIGN KEY (owner) REFERENCES users(id) ON DELETE CASCADE ON UPDATE NO ACTION',
    },
  },
  completions: { postgres: { 'trigger touch': ['CREATE TRIGGER touch …'] } },
  aliases: { mysql: { 'index id': 'index things_id_key' } },
  repairs: {
    mysql: {
      'constraint fk_owner': {
        found: 'FOREIGN KEY (owner) REFERENCES users(id) ON DELETE CASCADE ON UPDATE RESTRICT',
        statements: ['DROP fk_owner', 'ADD fk_owner'],
      },
    },
  },
};

describe('comparing a table with the design documents', () => {
  test('an identical table has no differences and nothing to do', () => {
    assert.deepEqual(compareShapes(stage, 'mysql', { ...stage.shape.mysql }), { differences: [], renames: [], completions: [] });
  });

  test('names every missing, unexpected and different part', () => {
    const { differences } = compareShapes(stage, 'mysql', {
      'column id': 'bigint NOT NULL',
      'constraint fk_owner': stage.shape.mysql['constraint fk_owner']!,
      'index extra': 'INDEX (id)',
    });
    assert.deepEqual(differences, [
      'column id is "bigint NOT NULL" (expected: int NOT NULL)',
      'index things_id_key is missing (expected: UNIQUE (id))',
      'index extra is not in the documents (INDEX (id))',
    ]);
  });

  test('an alias is renamed and a synonym repaired instead of reported', () => {
    const result = compareShapes(stage, 'mysql', {
      'column id': 'int NOT NULL',
      'index id': 'UNIQUE (id)',
      'constraint fk_owner': 'FOREIGN KEY (owner) REFERENCES users(id) ON DELETE CASCADE ON UPDATE RESTRICT',
    });
    assert.deepEqual(result, { differences: [], renames: [['id', 'things_id_key']], completions: ['DROP fk_owner', 'ADD fk_owner'] });
  });

  test('a part the dialect cannot express is added when missing, and compared when present', () => {
    assert.deepEqual(compareShapes(stage, 'postgres', { 'column id': 'integer NOT NULL' }).completions, ['CREATE TRIGGER touch …']);
    assert.deepEqual(
      compareShapes(stage, 'postgres', { 'column id': 'integer NOT NULL', 'trigger touch': 'CREATE TRIGGER other' }).differences,
      ['trigger touch is "CREATE TRIGGER other" (expected: CREATE TRIGGER touch …)'],
    );
  });
});
