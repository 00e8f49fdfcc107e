import type { Static, TSchema } from '@sinclair/typebox';
import type { ServiceName } from './envelope.js';

/** Turns data written at schema version `from` into data of version `from + 1`. Pure. */
export type Upcaster = (data: unknown) => unknown;

/**
 * One event type of one service: its current schema and the steps that bring every older
 * stored version up to it. Old events are never rewritten on disk; they are upcast on read.
 */
export interface EventDefinition<T extends string = string, S extends TSchema = TSchema> {
  readonly kind: 'EventDefinition';
  readonly service: ServiceName;
  readonly type: T;
  readonly schemaVersion: number;
  readonly schema: S;
  readonly description: string;
  /** upcasters[v] converts version v to v + 1, for every v below `schemaVersion`. */
  readonly upcasters: Readonly<Record<number, Upcaster>>;
}

export interface DefineEventOptions<T extends string, S extends TSchema> {
  readonly service: ServiceName;
  readonly type: T;
  readonly schemaVersion?: number;
  readonly schema: S;
  readonly description: string;
  readonly upcasters?: Readonly<Record<number, Upcaster>>;
}

export function defineEvent<const T extends string, S extends TSchema>(
  options: DefineEventOptions<T, S>,
): EventDefinition<T, S> {
  const schemaVersion = options.schemaVersion ?? 1;
  const upcasters = options.upcasters ?? {};
  for (let v = 1; v < schemaVersion; v++) {
    if (typeof upcasters[v] !== 'function') {
      throw new TypeError(`event ${options.type}: schema v${schemaVersion} needs an upcaster from v${v}`);
    }
  }
  if (!/^[A-Z][A-Za-z0-9]*$/.test(options.type)) {
    // Types become one NATS subject token, so no dots, wildcards or spaces.
    throw new TypeError(`event type ${options.type} must be PascalCase letters and digits`);
  }
  return Object.freeze({
    kind: 'EventDefinition',
    service: options.service,
    type: options.type,
    schemaVersion,
    schema: options.schema,
    description: options.description,
    upcasters: Object.freeze({ ...upcasters }),
  });
}

/** The TypeScript type of an event definition's data. */
export type EventData<E> = E extends EventDefinition<string, infer S> ? Static<S> : never;
