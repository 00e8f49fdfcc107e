import { Type } from '@sinclair/typebox';
import { defineEvent, EventRegistry, type Cause, type NewEvent, type ServiceName } from '@netledger/contracts';

/** The service the bus tests publish as. */
export const TEST_SERVICE: ServiceName = 'policy';

/** A tiny event: `n` numbers events so tests can check order by eye. */
export const ThingNoted = defineEvent({
  service: TEST_SERVICE,
  type: 'ThingNoted',
  schema: Type.Object({ n: Type.Integer({ minimum: 0 }), note: Type.Optional(Type.String()) }, { additionalProperties: false }),
  description: 'Test event: something numbered n happened',
});

export const ThingForgotten = defineEvent({
  service: TEST_SERVICE,
  type: 'ThingForgotten',
  schema: Type.Object({ n: Type.Integer({ minimum: 0 }) }, { additionalProperties: false }),
  description: 'Test event: thing n is gone',
});

export function testRegistry(): EventRegistry {
  return new EventRegistry([ThingNoted, ThingForgotten]);
}

const CAUSE: Cause = { kind: 'command', command: 'bus test', actor: 'test' };

export function thingNoted(n: number): NewEvent {
  return { type: 'ThingNoted', data: { n }, cause: CAUSE };
}
