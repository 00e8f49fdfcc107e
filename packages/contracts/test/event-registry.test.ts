import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Type } from '@sinclair/typebox';
import {
  EventRegistry,
  EventValidationError,
  UnknownEventTypeError,
  UpcastError,
  createNetledgerRegistry,
  defineEvent,
  type EventEnvelope,
} from '@netledger/contracts';

const V1 = defineEvent({
  service: 'policy',
  type: 'WidgetRenamed',
  description: 'test',
  schema: Type.Object({ name: Type.String() }, { additionalProperties: false }),
});
const V2 = defineEvent({
  service: 'policy',
  type: 'WidgetRenamed',
  schemaVersion: 2,
  description: 'test',
  schema: Type.Object({ name: Type.String(), displayName: Type.String() }, { additionalProperties: false }),
  upcasters: { 1: (d) => ({ ...(d as { name: string }), displayName: (d as { name: string }).name.toUpperCase() }) },
});

function envelope(over: Partial<EventEnvelope> = {}): EventEnvelope {
  return {
    id: '01M874MBSCA7BWM652YYP929PZ',
    service: 'policy',
    stream: 'widget/1',
    version: 1,
    seq: 7,
    type: 'WidgetRenamed',
    schemaVersion: 1,
    time: '2026-11-24T10:00:00.000Z',
    cause: { kind: 'command', command: 'test', actor: 'tester' },
    data: { name: 'a' },
    ...over,
  };
}

describe('EventRegistry', () => {
  it('validates on write and names the field', () => {
    const reg = new EventRegistry([V1]);
    assert.equal(reg.checkNew('policy', 'WidgetRenamed', { name: 'x' }, 'ctx'), 1);
    assert.throws(
      () => reg.checkNew('policy', 'WidgetRenamed', { name: 3 }, 'append to widget/1'),
      (e: unknown) => e instanceof EventValidationError && e.problems[0]?.path === '/name' && /append to widget\/1/.test(e.message),
    );
    assert.throws(() => reg.checkNew('policy', 'Nope', {}, 'ctx'), UnknownEventTypeError);
  });

  it('upcasts old schema versions on read and validates the result', () => {
    const reg = new EventRegistry([V2]);
    const e = reg.decode(envelope());
    assert.equal(e.schemaVersion, 2);
    assert.deepEqual(e.data, { name: 'a', displayName: 'A' });
    assert.throws(() => reg.decode(envelope({ schemaVersion: 3 })), UpcastError);
  });

  it('rejects malformed envelopes with the field', () => {
    const reg = new EventRegistry([V1]);
    assert.throws(
      () => reg.decode({ ...envelope(), seq: 'x' }),
      (e: unknown) => e instanceof EventValidationError && e.problems.some((p) => p.path === '/seq'),
    );
    assert.throws(() => reg.decode(envelope({ service: 'nope' as 'lb' })), EventValidationError);
  });

  it('refuses a newer schema without upcasters', () => {
    assert.throws(() => defineEvent({ service: 'lb', type: 'X', schemaVersion: 2, description: '', schema: Type.Object({}) }), /upcaster from v1/);
    assert.throws(() => defineEvent({ service: 'lb', type: 'bad.type', description: '', schema: Type.Object({}) }), /PascalCase/);
  });

  it('holds every netledger event type once, with a JSON Schema', () => {
    const reg = createNetledgerRegistry();
    const defs = reg.definitions();
    assert.ok(defs.length >= 11);
    for (const d of defs) assert.equal(JSON.parse(JSON.stringify(d.schema)).type, 'object', d.type);
  });
});
