import { Type } from '@sinclair/typebox';
import { EventRegistry, defineEvent, type Cause, type NewEvent } from '@netledger/contracts';

// Test-only event family of the policy service. WidgetCreated exists at two schema versions
// so the suite can write with v1 and read back through the v1 -> v2 upcaster.

const WidgetCreatedV1 = defineEvent({
  service: 'policy',
  type: 'WidgetCreated',
  description: 'test: a widget was created',
  schema: Type.Object({ name: Type.String({ minLength: 1 }), size: Type.Integer({ minimum: 0 }) }, { additionalProperties: false }),
});

interface WidgetCreatedV1Data {
  readonly name: string;
  readonly size: number;
}

const WidgetCreatedV2 = defineEvent({
  service: 'policy',
  type: 'WidgetCreated',
  schemaVersion: 2,
  description: 'test: a widget was created (name became displayName, owner added)',
  schema: Type.Object(
    { displayName: Type.String({ minLength: 1 }), size: Type.Integer({ minimum: 0 }), owner: Type.String() },
    { additionalProperties: false },
  ),
  upcasters: {
    1: (d) => {
      const v1 = d as WidgetCreatedV1Data;
      return { displayName: v1.name, size: v1.size, owner: 'unknown' };
    },
  },
});

const WidgetRenamed = defineEvent({
  service: 'policy',
  type: 'WidgetRenamed',
  description: 'test: a widget got a new name',
  schema: Type.Object({ name: Type.String({ minLength: 1 }) }, { additionalProperties: false }),
});

/** Registry where WidgetCreated is at schema v1. */
export function widgetRegistryV1(): EventRegistry {
  return new EventRegistry([WidgetCreatedV1, WidgetRenamed]);
}

/** Registry where WidgetCreated is at schema v2, with the upcaster from v1. */
export function widgetRegistryV2(): EventRegistry {
  return new EventRegistry([WidgetCreatedV2, WidgetRenamed]);
}

export const TEST_CAUSE: Cause = { kind: 'command', command: 'eventlog test', actor: 'tester' };

export function created(name: string, size = 1, id?: string): NewEvent {
  return { ...(id ? { id } : {}), type: 'WidgetCreated', data: { name, size }, cause: TEST_CAUSE };
}

export function createdV2(displayName: string, owner: string, size = 1): NewEvent {
  return { type: 'WidgetCreated', data: { displayName, size, owner }, cause: TEST_CAUSE };
}

export function renamed(name: string, id?: string): NewEvent {
  const cause: Cause = { kind: 'kubernetes', objectKind: 'Widget', namespace: 'default', name, uid: 'uid-1', resourceVersion: '42' };
  return { ...(id ? { id } : {}), type: 'WidgetRenamed', data: { name }, cause };
}
