import assert from 'node:assert/strict';
import { test } from 'node:test';
import { columnKind, lines, TableChecksum, toPortable } from './backup-format.js';

test('column kinds from PostgreSQL and MySQL type names', () => {
  assert.equal(columnKind('timestamp without time zone'), 'timestamp');
  assert.equal(columnKind('datetime', 'datetime(6)'), 'timestamp');
  assert.equal(columnKind('boolean'), 'boolean');
  assert.equal(columnKind('tinyint', 'tinyint(1)'), 'boolean');
  assert.equal(columnKind('int', 'int(10) unsigned'), 'integer');
  assert.equal(columnKind('bigint'), 'bigint');
  assert.equal(columnKind('inet'), 'string');
  assert.equal(columnKind('uuid'), 'string');
});

test('values in their portable form, whichever driver read them', () => {
  assert.equal(toPortable('boolean', 1), true);
  assert.equal(toPortable('boolean', false), false);
  assert.equal(toPortable('integer', '42'), 42);
  assert.equal(toPortable('bigint', 9007199254740993n), '9007199254740993');
  assert.equal(toPortable('string', Buffer.from('Event-A')), 'Event-A');
  assert.equal(toPortable('timestamp', null), null);
});

test('the checksum ignores the order of rows and columns, not their content', () => {
  const columns = [
    { name: 'id', kind: 'integer' as const },
    { name: 'name', kind: 'string' as const },
  ];
  const reordered = [columns[1]!, columns[0]!];
  const one = new TableChecksum(columns);
  one.add([1, 'a']);
  one.add([2, 'b']);
  const other = new TableChecksum(reordered);
  other.add(['b', 2]);
  other.add(['a', 1]);
  assert.equal(one.hex, other.hex);
  const changed = new TableChecksum(columns);
  changed.add([1, 'a']);
  changed.add([2, 'B']);
  assert.notEqual(changed.hex, one.hex);
  const duplicated = new TableChecksum(columns);
  for (const row of [[1, 'a'], [2, 'b'], [2, 'b']] as const) duplicated.add([...row]);
  assert.notEqual(duplicated.hex, one.hex, 'a duplicated row shows');
});

test('lines survive chunks that end inside a line or inside a multi-byte character', async () => {
  const text = Buffer.from('{"a":"Zoë ✓"}\n[1,2]\nlast');
  async function* chunks() {
    for (let start = 0; start < text.length; start += 3) yield text.subarray(start, start + 3);
  }
  const got: string[] = [];
  for await (const line of lines(chunks())) got.push(line);
  assert.deepEqual(got, ['{"a":"Zoë ✓"}', '[1,2]', 'last']);
});
