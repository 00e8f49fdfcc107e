import { jetStreamName, serviceSubjects, SERVICE_NAMES, type NatsRole, type ServiceName } from '@netledger/contracts';

/** What one NATS user may publish and subscribe to, as nats-server's `permissions` block takes it. */
export interface NatsPermissions {
  readonly publish: { readonly allow: readonly string[] };
  readonly subscribe: { readonly allow: readonly string[] };
  /** May publish to the reply subject of a request it received (and only that). */
  readonly allowResponses: boolean;
}

/** Who a user is: its role, its private inbox and, for an agent, the node whose flows it publishes. */
export interface NatsUserGrant {
  readonly role: NatsRole;
  readonly inboxPrefix: string;
  /** The agent's node: it may publish `netledger.flows.<node>` and nothing else outside JetStream's API. */
  readonly node?: string;
}

const FLOWS_PREFIX = 'netledger.flows';
const FLOWS_QUERY = `${FLOWS_PREFIX}.query`;

/**
 * The JetStream API calls that read a stream through ephemeral consumers: stream info, a single
 * message by seq (a time lookup), and creating, pulling from, inspecting and deleting a consumer.
 * Nothing here creates, changes, purges or deletes a stream or a message, and nothing acks
 * (ordered consumers need no acks), so a reader cannot change what others read.
 */
function streamReaderApi(stream: string): string[] {
  return [
    `$JS.API.STREAM.INFO.${stream}`,
    `$JS.API.STREAM.MSG.GET.${stream}`,
    `$JS.API.CONSUMER.CREATE.${stream}`,
    `$JS.API.CONSUMER.CREATE.${stream}.>`,
    `$JS.API.CONSUMER.MSG.NEXT.${stream}.>`,
    `$JS.API.CONSUMER.INFO.${stream}.>`,
    `$JS.API.CONSUMER.DELETE.${stream}.>`,
  ];
}

/** Read access to every service's event stream. */
function allStreamsReader(): string[] {
  return ['$JS.API.INFO', ...SERVICE_NAMES.flatMap((s) => streamReaderApi(jetStreamName(s)))];
}

/** A service publishes its own events and keeps its own stream's configuration; it reads nothing else. */
function servicePublisher(service: ServiceName): string[] {
  const stream = jetStreamName(service);
  return [
    '$JS.API.INFO',
    serviceSubjects(service),
    `$JS.API.STREAM.CREATE.${stream}`,
    `$JS.API.STREAM.UPDATE.${stream}`,
    `$JS.API.STREAM.INFO.${stream}`,
    `$JS.API.STREAM.MSG.GET.${stream}`,
  ];
}

/** Thrown for a grant that cannot be expressed: an agent without a node, a node that is not one subject token list. */
export class NatsGrantError extends Error {
  constructor(
    readonly role: NatsRole,
    readonly field: string,
    problem: string,
  ) {
    super(`NATS grant for role ${role}: ${field}: ${problem}`);
    this.name = 'NatsGrantError';
  }
}

const SUBJECT_SAFE = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/;

/**
 * Least privilege per role (docs/security.md). Everything not allowed is denied: a subscriber
 * cannot publish an event (so cannot spoof one), cannot touch a stream, cannot read flows and
 * cannot read another user's replies, because the only inbox it may subscribe to is its own.
 */
export function natsPermissions(grant: NatsUserGrant): NatsPermissions {
  const inbox = `${grant.inboxPrefix}.>`;
  switch (grant.role) {
    case 'service-identity':
    case 'service-policy':
    case 'service-lb':
      return { publish: { allow: servicePublisher(grant.role.slice('service-'.length) as ServiceName) }, subscribe: { allow: [inbox] }, allowResponses: false };
    case 'agent': {
      if (grant.node === undefined) throw new NatsGrantError(grant.role, 'node', 'an agent grant needs its node');
      if (!SUBJECT_SAFE.test(grant.node) || grant.node === 'query') throw new NatsGrantError(grant.role, 'node', `"${grant.node}" cannot be a flows subject token`);
      return {
        publish: { allow: [...allStreamsReader(), `${FLOWS_PREFIX}.${grant.node}`] },
        subscribe: { allow: [inbox, FLOWS_QUERY] },
        allowResponses: true,
      };
    }
    case 'subscriber':
      return { publish: { allow: allStreamsReader() }, subscribe: { allow: [inbox] }, allowResponses: false };
    case 'observer':
      return { publish: { allow: [...allStreamsReader(), FLOWS_QUERY] }, subscribe: { allow: [inbox, `${FLOWS_PREFIX}.>`] }, allowResponses: false };
    case 'admin':
      return { publish: { allow: ['>'] }, subscribe: { allow: ['>'] }, allowResponses: false };
  }
}
