import { Type } from '@sinclair/typebox';
import { defineEvent } from '../event-definition.js';

// Streams (the kind is part of the stream: a NetworkPolicy and a CiliumNetworkPolicy may share
// a namespace and a name):
//   NetworkPolicy                    policy/<namespace>/<name>
//   CiliumNetworkPolicy              cnp/<namespace>/<name>
//   CiliumClusterwideNetworkPolicy   ccnp/<name>

const PolicyKind = Type.Union([
  Type.Literal('NetworkPolicy'),
  Type.Literal('CiliumNetworkPolicy'),
  Type.Literal('CiliumClusterwideNetworkPolicy'),
]);

const PolicyRef = {
  kind: PolicyKind,
  namespace: Type.Optional(Type.String({ description: 'Absent for cluster-wide policies' })),
  name: Type.String(),
  uid: Type.String(),
};

// The normalized rules, as the policy engine (@netledger/policy-engine) produces them. Written
// here rather than imported because contracts sit below every other package; a type test in the
// policy service checks that both shapes stay the same.

const RuleProtocol = Type.Union([Type.Literal('TCP'), Type.Literal('UDP'), Type.Literal('SCTP'), Type.Literal('ANY')]);
const Port = Type.Integer({ minimum: 1, maximum: 65535 });

const Selector = Type.Object(
  {
    requirements: Type.Array(
      Type.Object(
        {
          key: Type.String({ description: 'Security label key, e.g. io.kubernetes.pod.namespace or reserved:host' }),
          operator: Type.Union([Type.Literal('In'), Type.Literal('NotIn'), Type.Literal('Exists'), Type.Literal('DoesNotExist')]),
          values: Type.Array(Type.String(), { description: 'Sorted; empty for Exists and DoesNotExist' }),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false, description: 'AND of the requirements over security labels; empty matches every identity' },
);

const PortMatch = Type.Union([
  Type.Object({ kind: Type.Literal('all'), protocol: RuleProtocol }, { additionalProperties: false }),
  Type.Object(
    { kind: Type.Literal('range'), protocol: RuleProtocol, port: Port, endPort: Port },
    { additionalProperties: false, description: 'port..endPort, inclusive' },
  ),
  Type.Object(
    { kind: Type.Literal('named'), protocol: RuleProtocol, name: Type.String() },
    { additionalProperties: false, description: "Resolved against the destination pod's declared container ports" },
  ),
]);

const PeerMatch = Type.Union([
  Type.Object({ kind: Type.Literal('selector'), selector: Selector }, { additionalProperties: false }),
  Type.Object(
    {
      kind: Type.Literal('entity'),
      entity: Type.Union([
        Type.Literal('world'),
        Type.Literal('cluster'),
        Type.Literal('host'),
        Type.Literal('remote-node'),
        Type.Literal('kube-apiserver'),
        Type.Literal('all'),
      ]),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    { kind: Type.Literal('cidr'), cidr: Type.String(), except: Type.Array(Type.String()) },
    { additionalProperties: false, description: 'Matches only identities outside the cluster (reserved:world)' },
  ),
]);

const Direction = Type.Union([Type.Literal('ingress'), Type.Literal('egress')]);

const PolicyRule = Type.Object(
  {
    direction: Direction,
    effect: Type.Union([Type.Literal('allow'), Type.Literal('deny')]),
    index: Type.Integer({ minimum: 0, description: 'Index within its source list' }),
    source: Type.String({ description: 'Path of the rule in the object, e.g. spec.ingress[0] or specs[1].egressDeny[0]' }),
    peers: Type.Union([Type.Array(PeerMatch), Type.Null()], { description: 'null: any peer; []: no peer' }),
    ports: Type.Union([Type.Array(PortMatch), Type.Null()], { description: 'null: any port and protocol' }),
  },
  { additionalProperties: false },
);

const DirectionRules = Type.Object(
  { defaultDeny: Type.Boolean(), rules: Type.Array(PolicyRule) },
  { additionalProperties: false },
);

/** One part of a policy (its `spec`, or one of `specs[]`): whom it selects and its rules per direction. */
export const PolicySubjectSchema = Type.Object(
  {
    source: Type.String({ description: 'spec or specs[i]' }),
    selector: Selector,
    ingress: Type.Union([DirectionRules, Type.Null()], { description: 'null: this part does not govern ingress' }),
    egress: Type.Union([DirectionRules, Type.Null()], { description: 'null: this part does not govern egress' }),
  },
  { additionalProperties: false },
);

/** Stream `policy/<ns>/<name>`, `cnp/<ns>/<name>` or `ccnp/<name>`. */
export const PolicyAccepted = defineEvent({
  service: 'policy',
  type: 'PolicyAccepted',
  description: 'A policy (new or changed) passed validation and is in force from this policy revision on.',
  schema: Type.Object(
    {
      ...PolicyRef,
      resourceVersion: Type.String({ description: 'resourceVersion of the accepted object' }),
      revision: Type.Integer({ minimum: 1, description: 'Cluster-wide policy revision, bumped by every PolicyAccepted and PolicyDeleted' }),
      rules: Type.Array(PolicySubjectSchema, {
        description: 'The normalized policy: its subjects. The engine\'s NormalizedPolicy is { kind, namespace: namespace ?? null, name, ref, subjects: rules }',
      }),
    },
    { additionalProperties: false },
  ),
});

/** Stream `policy/<ns>/<name>`, `cnp/<ns>/<name>` or `ccnp/<name>`. */
export const PolicyRejected = defineEvent({
  service: 'policy',
  type: 'PolicyRejected',
  description: 'A policy version failed validation; the last accepted version (if any) stays in force.',
  schema: Type.Object(
    {
      ...PolicyRef,
      resourceVersion: Type.String(),
      errors: Type.Array(
        Type.Object(
          {
            object: Type.String({ description: 'e.g. NetworkPolicy x/deny-all' }),
            field: Type.String({ description: 'e.g. spec.ingress[0].from[1].ipBlock.cidr' }),
            message: Type.String(),
          },
          { additionalProperties: false },
        ),
        { minItems: 1 },
      ),
    },
    { additionalProperties: false },
  ),
});

/** Stream `policy/<ns>/<name>`, `cnp/<ns>/<name>` or `ccnp/<name>`. */
export const PolicyDeleted = defineEvent({
  service: 'policy',
  type: 'PolicyDeleted',
  description: 'A policy was deleted and no longer applies from this policy revision on.',
  schema: Type.Object({ ...PolicyRef, revision: Type.Integer({ minimum: 1 }) }, { additionalProperties: false }),
});

export const policyEvents = [PolicyAccepted, PolicyRejected, PolicyDeleted] as const;
