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

/**
 * Stream `cidr-references/<policyKind>/<namespace>/<name>` (`cidr-references/<policyKind>/<name>`
 * when cluster-wide). The CIDR identities a policy holds; they stay allocated while any policy
 * lists them. An empty list (policy deleted, or its CIDRs gone) drops the policy's references.
 */
export const PolicyCidrsReferenced = defineEvent({
  service: 'identity',
  type: 'PolicyCidrsReferenced',
  description: 'The normalized CIDR prefixes a policy now references, each held by a CIDR identity (empty: none any more).',
  schema: Type.Object(
    {
      policyKind: Type.Union([Type.Literal('NetworkPolicy'), Type.Literal('CiliumNetworkPolicy'), Type.Literal('CiliumClusterwideNetworkPolicy')]),
      namespace: Type.Union([Type.String(), Type.Null()], { description: 'null for CiliumClusterwideNetworkPolicy' }),
      name: Type.String(),
      cidrs: Type.Array(Type.String({ description: 'normalized prefix, e.g. 10.0.0.0/8' }), { description: 'Sorted, distinct' }),
    },
    { additionalProperties: false },
  ),
});

export const identityEvents = [IdentityAllocated, IdentityReleased, EndpointUpserted, EndpointRemoved, PolicyCidrsReferenced] as const;
