import { Type } from '@sinclair/typebox';
import { defineEvent } from '../event-definition.js';

const Labels = Type.Array(Type.String({ description: 'source:key=value, e.g. k8s:app=web' }), {
  description: 'Security-relevant labels, sorted',
});

/** Stream `identity/<id>`. */
export const IdentityAllocated = defineEvent({
  service: 'identity',
  type: 'IdentityAllocated',
  description: 'A numeric security identity now stands for a label set (reserved, cluster-local or CIDR).',
  schema: Type.Object(
    {
      id: Type.Integer({ minimum: 1, maximum: 0xffffffff }),
      scope: Type.Union([Type.Literal('reserved'), Type.Literal('cluster'), Type.Literal('cidr')]),
      labels: Labels,
    },
    { additionalProperties: false },
  ),
});

/** Stream `identity/<id>`. */
export const IdentityReleased = defineEvent({
  service: 'identity',
  type: 'IdentityReleased',
  description: 'An identity is no longer referenced and its grace period ended; the number may be reused.',
  schema: Type.Object({ id: Type.Integer({ minimum: 1 }), labels: Labels }, { additionalProperties: false }),
});

/** Stream `endpoint/<namespace>/<pod>`. */
export const EndpointUpserted = defineEvent({
  service: 'identity',
  type: 'EndpointUpserted',
  description: 'A pod has IPs and an identity on a node (new, or its uid, node, IPs, labels, named ports or identity changed).',
  schema: Type.Object(
    {
      namespace: Type.String(),
      pod: Type.String(),
      uid: Type.String(),
      node: Type.String(),
      ips: Type.Array(Type.String()),
      identity: Type.Integer({ minimum: 1 }),
      labels: Type.Record(Type.String(), Type.String()),
      namedPorts: Type.Array(
        Type.Object(
          { name: Type.String(), port: Type.Integer({ minimum: 1, maximum: 65535 }), protocol: Type.String() },
          { additionalProperties: false },
        ),
      ),
    },
    { additionalProperties: false },
  ),
});

/** Stream `endpoint/<namespace>/<pod>`. */
export const EndpointRemoved = defineEvent({
  service: 'identity',
  type: 'EndpointRemoved',
  description: 'A pod is gone (deleted, lost its IPs, finished, or moved to the host network); its IPs no longer map to its identity.',
  schema: Type.Object(
    { namespace: Type.String(), pod: Type.String(), uid: Type.String(), node: Type.String(), ips: Type.Array(Type.String()) },
    { additionalProperties: false },
  ),
});

export const identityEvents = [IdentityAllocated, IdentityReleased, EndpointUpserted, EndpointRemoved] as const;
