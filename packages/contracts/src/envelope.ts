import { Type, type Static } from '@sinclair/typebox';

/** The services that own an event log. Each has its own database and its own JetStream stream. */
export const SERVICE_NAMES = ['identity', 'policy', 'lb'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

export function isServiceName(s: string): s is ServiceName {
  return (SERVICE_NAMES as readonly string[]).includes(s);
}

/** A Kubernetes object change that made a service decide something. */
export const KubernetesCauseSchema = Type.Object(
  {
    kind: Type.Literal('kubernetes'),
    objectKind: Type.String({ description: 'Kind of the object, e.g. NetworkPolicy' }),
    namespace: Type.Optional(Type.String()),
    name: Type.String(),
    uid: Type.String(),
    resourceVersion: Type.String(),
  },
  { additionalProperties: false },
);

/** An operator or program asked for it directly (CLI command, API call, timer). */
export const CommandCauseSchema = Type.Object(
  {
    kind: Type.Literal('command'),
    command: Type.String({ description: 'What was run, e.g. "identity gc"' }),
    actor: Type.String({ description: 'Who ran it: user, host or component' }),
  },
  { additionalProperties: false },
);

export const CauseSchema = Type.Union([KubernetesCauseSchema, CommandCauseSchema]);
export type Cause = Static<typeof CauseSchema>;

/**
 * What every event looks like on disk and on the wire. `data` is checked against the
 * schema registered for (`type`, `schemaVersion`).
 */
export const EnvelopeSchema = Type.Object(
  {
    id: Type.String({ description: 'Unique, sortable (ULID); also the NATS message id used for de-duplication' }),
    service: Type.Union(SERVICE_NAMES.map((s) => Type.Literal(s))),
    stream: Type.String({ description: 'Aggregate the event belongs to, e.g. policy/default/allow-web' }),
    version: Type.Integer({ minimum: 1, description: 'Position within the stream: 1, 2, 3, ...' }),
    seq: Type.Integer({ minimum: 1, description: "Position within the service's whole log, gap-free" }),
    type: Type.String(),
    schemaVersion: Type.Integer({ minimum: 1 }),
    time: Type.String({ format: 'date-time', description: 'When it was appended, ISO-8601 UTC' }),
    cause: CauseSchema,
    data: Type.Unknown(),
  },
  { additionalProperties: false },
);

/** A stored event. `D` is the type of `data` once validated against its schema. */
export interface EventEnvelope<T extends string = string, D = unknown> {
  readonly id: string;
  readonly service: ServiceName;
  readonly stream: string;
  readonly version: number;
  readonly seq: number;
  readonly type: T;
  readonly schemaVersion: number;
  readonly time: string;
  readonly cause: Cause;
  readonly data: D;
}

/** An event before it is appended: the log assigns version, seq, time (unless given) and schema version. */
export interface NewEvent<T extends string = string, D = unknown> {
  readonly id?: string;
  readonly type: T;
  readonly data: D;
  readonly cause: Cause;
}
