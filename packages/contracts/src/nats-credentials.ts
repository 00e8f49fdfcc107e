import { Type, type Static } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { ContractError } from './errors.js';

/** apiVersion of a credentials file; bumped only for a breaking change to its fields. */
export const NATS_CREDENTIALS_API_VERSION = 'netledger.io/nats-credentials/v1';

/**
 * The roles a NATS user can have. Each gets the least it needs:
 * - `service-<name>`: publishes its own service's events and manages its own stream;
 * - `agent`: reads every event stream, publishes flows and answers flow queries;
 * - `subscriber`: reads every event stream, nothing else (no publishing, no flows);
 * - `observer`: a subscriber that may also read flows (the UI, `netledger observe`);
 * - `admin`: everything (the operator's CLI).
 */
export const NATS_ROLES = ['service-identity', 'service-policy', 'service-lb', 'agent', 'subscriber', 'observer', 'admin'] as const;
export type NatsRole = (typeof NATS_ROLES)[number];

/**
 * A credentials file: who to connect as and how to prove it. The secret is an NKEY seed; the
 * server only knows the public key. `inboxPrefix` is the only reply subject space the user may
 * subscribe to, so replies to other users (flow query answers, JetStream API replies) stay
 * private: the client must use it as its inbox prefix.
 */
export const NatsCredentialsSchema = Type.Object(
  {
    apiVersion: Type.Literal(NATS_CREDENTIALS_API_VERSION),
    user: Type.String({ minLength: 1, description: 'Name of the user, for people and logs' }),
    role: Type.Union(NATS_ROLES.map((r) => Type.Literal(r))),
    nkeySeed: Type.String({ pattern: '^SU[A-Z2-7]{56}$', description: 'User NKEY seed (secret)' }),
    publicKey: Type.String({ pattern: '^U[A-Z2-7]{55}$', description: 'User NKEY public key, as the server knows it' }),
    inboxPrefix: Type.String({ pattern: '^[A-Za-z0-9_-]+$', description: 'Prefix of the reply subjects this user may receive on' }),
    node: Type.Optional(Type.String({ minLength: 1, description: "An agent's node: the only flows subject it may publish" })),
    servers: Type.Optional(Type.Array(Type.String(), { description: 'nats:// URLs, for convenience' })),
  },
  { additionalProperties: false },
);
export type NatsCredentials = Static<typeof NatsCredentialsSchema>;

const check = TypeCompiler.Compile(NatsCredentialsSchema);

/** A credentials file that cannot be used: names the file and the field. */
export class NatsCredentialsError extends ContractError {
  readonly code = 'NATS_CREDENTIALS_INVALID';
  constructor(
    readonly source: string,
    readonly field: string,
    readonly problem: string,
  ) {
    super(`NATS credentials ${source}: ${field === '' ? '' : `${field}: `}${problem}`);
  }
}

/** Parses and checks the JSON text of a credentials file; `source` names it in errors. */
export function parseNatsCredentials(text: string, source: string): NatsCredentials {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new NatsCredentialsError(source, '', `not JSON (${(e as Error).message})`);
  }
  const first = check.Errors(value).First();
  if (first) throw new NatsCredentialsError(source, first.path.replace(/^\//, '').replace(/\//g, '.') || '(root)', first.message);
  return value as NatsCredentials;
}
