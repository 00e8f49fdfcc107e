import type { EventData, EventDefinition, EventEnvelope, ServiceName, identityEvents, lbEvents, policyEvents } from '@netledger/contracts';

/** Each service's event definitions, as the contracts catalogue declares them. */
interface Catalogue {
  readonly identity: typeof identityEvents;
  readonly policy: typeof policyEvents;
  readonly lb: typeof lbEvents;
}

/** One definition as a typed envelope: `type` a literal, `data` its schema's type, `service` its owner. */
type EnvelopeOf<S extends ServiceName, D> =
  D extends EventDefinition<infer T, infer _>
    ? Omit<EventEnvelope<T, EventData<D>>, 'service'> & { readonly service: S }
    : never;

/**
 * A netledger event as a subscriber receives it: a union discriminated on `type`, so a
 * `switch (event.type)` narrows `event.data` to that type's schema. `S` limits it to some services.
 * `data` is always at the current schema version (older events are upcast on receipt).
 */
export type NetledgerEvent<S extends ServiceName = ServiceName> = {
  [K in S]: EnvelopeOf<K, Catalogue[K][number]>;
}[S];

/** The event type names of some services, e.g. `'PolicyAccepted' | 'PolicyRejected' | 'PolicyDeleted'` for policy. */
export type NetledgerEventType<S extends ServiceName = ServiceName> = NetledgerEvent<S>['type'];
