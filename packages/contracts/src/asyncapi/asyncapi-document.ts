import type { TSchema } from '@sinclair/typebox';
import { CauseSchema, EnvelopeSchema, SERVICE_NAMES, type ServiceName } from '../envelope.js';
import type { EventDefinition } from '../event-definition.js';
import { ALL_EVENT_DEFINITIONS } from '../catalogue/netledger-registry.js';
import { SUBJECT_API_VERSION, SUBJECT_ROOT, jetStreamName } from '../subjects.js';

/** Options for {@link asyncApiDocument}. */
export interface AsyncApiDocumentOptions {
  /** Event types to describe (default: every netledger event type). */
  readonly definitions?: readonly EventDefinition[];
  /** NATS server address shown as the example server (default `localhost:4222`, the local stack). */
  readonly host?: string;
}

/** A plain JSON value: what the generated document is made of. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

const ORDERING = [
  'Ordering and delivery: each service has one JetStream stream (' +
    SERVICE_NAMES.map((s) => `\`${jetStreamName(s)}\``).join(', ') +
    ') holding its whole log, kept forever. Stream sequence N is log sequence N (`seq` in the envelope): ' +
    'gap-free, starting at 1, in the order the service appended them. Within a service, events are delivered in `seq` order; ' +
    'there is no order between services.',
  'Every message carries the event id as `Nats-Msg-Id`; the publisher never stores an event twice, so a subscriber that ' +
    'remembers the last `seq` it processed per service and resumes after it sees every event exactly once.',
  'Within one aggregate (`stream`, e.g. `policy/default/allow-web`), `version` counts 1, 2, 3, ... without gaps.',
  'Payloads are the envelope as JSON. `data` is checked against the schema of (`type`, `schemaVersion`); events written at ' +
    'an older schema version are upcast by the typed client (@netledger/client). New optional fields and new event types ' +
    'are not breaking; anything else bumps the subject version (`' + SUBJECT_API_VERSION + '`).',
].join('\n\n');

/**
 * The AsyncAPI 3.0 document of netledger's public event contract, built from the same TypeBox
 * schemas the services validate with: one channel per service (`netledger.<service>.v1.<type>.<stream...>`),
 * one message per event type (the envelope with its `data` schema), and a `receive` operation per
 * channel for subscribers. Deterministic: the same schemas give the same document.
 */
export function asyncApiDocument(options: AsyncApiDocumentOptions = {}): { [key: string]: JsonValue } {
  const definitions = options.definitions ?? ALL_EVENT_DEFINITIONS;
  const channels: { [key: string]: JsonValue } = {};
  const operations: { [key: string]: JsonValue } = {};
  const messages: { [key: string]: JsonValue } = {};
  const schemas: { [key: string]: JsonValue } = {
    Envelope: json(EnvelopeSchema),
    Cause: json(CauseSchema),
  };

  for (const service of SERVICE_NAMES) {
    const defs = definitions.filter((d) => d.service === service);
    if (defs.length === 0) continue;
    const channelId = `${service}Events`;
    const channelMessages: { [key: string]: JsonValue } = {};
    for (const d of defs) {
      const name = d.type;
      schemas[`${name}Data`] = json(d.schema);
      messages[name] = messageOf(d);
      channelMessages[name] = { $ref: `#/components/messages/${name}` };
    }
    channels[channelId] = {
      address: `${SUBJECT_ROOT}.${service}.${SUBJECT_API_VERSION}.{eventType}.{stream}`,
      title: `${service} events`,
      description:
        `Every event of the ${service} service, from JetStream stream \`${jetStreamName(service)}\`. ` +
        `Subscribe to \`${SUBJECT_ROOT}.${service}.${SUBJECT_API_VERSION}.>\` for all of them, ` +
        `\`${SUBJECT_ROOT}.${service}.${SUBJECT_API_VERSION}.<EventType>.>\` for one type, or ` +
        `\`${SUBJECT_ROOT}.${service}.${SUBJECT_API_VERSION}.*.<stream tokens>\` for one object.`,
      parameters: {
        eventType: {
          description: 'The event type (the envelope `type`).',
          enum: defs.map((d) => d.type),
        },
        stream: {
          description:
            'The aggregate (envelope `stream`) as subject tokens: `policy/default/allow-web` is `policy.default.allow-web`. ' +
            "Each token is percent-encoded for '.', '*', '>', whitespace and '%' (an empty token is `%00`), so the mapping is reversible.",
        },
      },
      messages: channelMessages,
    };
    operations[`receive${capitalize(service)}Events`] = {
      action: 'receive',
      title: `Receive ${service} events`,
      summary: `Subscribe to the ${service} service's events (JetStream stream ${jetStreamName(service)}).`,
      description: ORDERING,
      channel: { $ref: `#/channels/${channelId}` },
      messages: defs.map((d) => ({ $ref: `#/channels/${channelId}/messages/${d.type}` })),
    };
  }

  return {
    asyncapi: '3.0.0',
    info: {
      title: 'netledger events',
      version: `${SUBJECT_API_VERSION.replace(/^v/, '')}.0.0`,
      description:
        "netledger's public event contract: every state change of the control-plane services, as NATS JetStream messages.\n\n" +
        ORDERING,
      license: { name: 'Apache-2.0', url: 'https://www.apache.org/licenses/LICENSE-2.0' },
    },
    defaultContentType: 'application/json',
    servers: {
      local: {
        host: options.host ?? 'localhost:4222',
        protocol: 'nats',
        description: 'The NATS server of `netledger up` (JetStream enabled).',
      },
    },
    channels,
    operations,
    components: { schemas, messages },
  };
}

/** The document as the text committed in docs/asyncapi.json. */
export function asyncApiJson(options: AsyncApiDocumentOptions = {}): string {
  return JSON.stringify(asyncApiDocument(options), null, 2) + '\n';
}

function messageOf(d: EventDefinition): JsonValue {
  return {
    name: d.type,
    title: d.type,
    summary: d.description,
    contentType: 'application/json',
    headers: {
      type: 'object',
      properties: {
        'Nats-Msg-Id': { type: 'string', description: 'The event id; JetStream drops a copy it has already stored.' },
      },
    },
    payload: {
      allOf: [
        { $ref: '#/components/schemas/Envelope' },
        {
          type: 'object',
          properties: {
            service: { const: d.service },
            type: { const: d.type },
            schemaVersion: {
              type: 'integer',
              minimum: 1,
              maximum: d.schemaVersion,
              description: `Current version ${d.schemaVersion}; older versions are upcast on read.`,
            },
            data: { $ref: `#/components/schemas/${d.type}Data` },
          },
        },
      ],
    },
  };
}

/** TypeBox schemas are JSON Schema plus symbol keys; a JSON round trip keeps exactly the JSON Schema. */
function json(schema: TSchema): JsonValue {
  return JSON.parse(JSON.stringify(schema)) as JsonValue;
}

function capitalize(s: ServiceName): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
