import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { CauseSchema, EventValidationError, UnknownEventTypeError } from '@netledger/contracts';
import { StoredEventError } from '@netledger/eventlog';
import { causeProblem } from '../src/sql/cause-check.js';
import { StoredEventDecoder, type StoredColumns } from '../src/sql/stored-event-decoder.js';
import { TEST_CAUSE, widgetRegistryV1, widgetRegistryV2 } from './widget-events.js';

const CAUSE_TEXT = JSON.stringify(TEST_CAUSE);
const ROW: StoredColumns = [7, '01J0000000000000000000000A', 'widget/a', 2, 'WidgetCreated', 1, '2026-01-01T10:00:00.000Z', CAUSE_TEXT, '{"name":"a","size":3}'];

function decoder(registry = widgetRegistryV1()): StoredEventDecoder {
  return new StoredEventDecoder(registry, 'policy', 'test.sqlite');
}

function withColumn(index: number, value: unknown): StoredColumns {
  const row = [...ROW] as unknown[];
  row[index] = value;
  return row as unknown as StoredColumns;
}

function rejectsField(row: StoredColumns, field: string, problem: RegExp): void {
  assert.throws(
    // The cause is parsed when first read, so reading it is part of decoding here.
    () => decoder().decode(row).cause,
    (e: unknown) => {
      assert.ok(e instanceof StoredEventError, `expected StoredEventError, got ${String(e)}`);
      assert.equal(e.field, field);
      assert.equal(e.seq, field === 'seq' ? Number(row[0]) : 7);
      assert.match(e.problem, problem);
      assert.match(e.message, new RegExp(`^test\\.sqlite: stored event seq .*: field ${field}: `));
      return true;
    },
  );
}

describe('StoredEventDecoder', () => {
  it('builds the envelope of a valid row', () => {
    assert.deepEqual(decoder().decode(ROW), {
      id: ROW[1],
      service: 'policy',
      stream: 'widget/a',
      version: 2,
      seq: 7,
      type: 'WidgetCreated',
      schemaVersion: 1,
      time: '2026-01-01T10:00:00.000Z',
      cause: TEST_CAUSE,
      data: { name: 'a', size: 3 },
    });
  });

  it('upcasts a row written at an older schema version', () => {
    const e = decoder(widgetRegistryV2()).decode(ROW);
    assert.equal(e.schemaVersion, 2);
    assert.deepEqual(e.data, { displayName: 'a', size: 3, owner: 'unknown' });
  });

  it('names the seq and the field of a malformed column', () => {
    rejectsField(withColumn(0, 'seven'), 'seq', /positive integer/);
    rejectsField(withColumn(1, null), 'id', /string/);
    rejectsField(withColumn(2, 5), 'stream', /string/);
    rejectsField(withColumn(3, 0), 'version', /positive integer/);
    rejectsField(withColumn(4, null), 'type', /string/);
    rejectsField(withColumn(5, 1.5), 'schemaVersion', /positive integer/);
    rejectsField(withColumn(6, 'yesterday'), 'time', /ISO-8601/);
    rejectsField(withColumn(7, '{"kind":'), 'cause', /not JSON/);
    rejectsField(withColumn(7, '{"kind":"command","command":"x"}'), 'cause', /actor/);
    rejectsField(withColumn(8, '{"name":"a",'), 'data', /not JSON/);
  });

  it('parses the cause when first read, once, and serialises it with the envelope', () => {
    const bad = decoder().decode(withColumn(7, '{"kind":'));
    assert.equal(bad.seq, 7, 'a bad cause does not stop decoding the rest');
    const good = decoder().decode(withColumn(7, JSON.stringify(TEST_CAUSE)));
    assert.equal(good.cause, good.cause, 'parsed once');
    assert.deepEqual(JSON.parse(JSON.stringify(good)).cause, TEST_CAUSE);
    assert.deepEqual({ ...good }.cause, TEST_CAUSE);
  });

  it('leaves data that does not match its schema, or an unknown type, to the registry errors, with the seq', () => {
    assert.throws(
      () => decoder().decode(withColumn(8, '{"name":"","size":3}')),
      (e: unknown) => e instanceof EventValidationError && /seq 7/.test(e.message) && e.problems[0]?.path === '/name',
    );
    assert.throws(() => decoder().decode(withColumn(4, 'WidgetMelted')), UnknownEventTypeError);
  });
});

describe('causeProblem agrees with CauseSchema', () => {
  const schema = TypeCompiler.Compile(CauseSchema);
  const samples: unknown[] = [
    TEST_CAUSE,
    { kind: 'kubernetes', objectKind: 'Pod', namespace: 'ns', name: 'p', uid: 'u', resourceVersion: '1' },
    { kind: 'kubernetes', objectKind: 'Node', name: 'n', uid: 'u', resourceVersion: '1' },
    { kind: 'kubernetes', objectKind: 'Pod', namespace: 3, name: 'p', uid: 'u', resourceVersion: '1' },
    { kind: 'kubernetes', objectKind: 'Pod', name: 'p', uid: 'u' },
    { kind: 'kubernetes', objectKind: 'Pod', name: 'p', uid: 'u', resourceVersion: '1', extra: 1 },
    { kind: 'command', command: 'c', actor: 'a', extra: 'x' },
    { kind: 'command', command: 'c' },
    { kind: 'other' },
    {},
    [],
    null,
    'command',
    3,
  ];
  for (const sample of samples) {
    it(JSON.stringify(sample), () => {
      assert.equal(causeProblem(sample) === undefined, schema.Check(sample));
    });
  }
});
