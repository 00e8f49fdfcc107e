import { Type } from '@sinclair/typebox';
import { defineEvent } from '../event-definition.js';

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

/** Stream `policy/<namespace>/<name>` (cluster-wide: `policy/_cluster/<name>`). */
export const PolicyAccepted = defineEvent({
  service: 'policy',
  type: 'PolicyAccepted',
  description: 'A policy (new or changed) passed validation and is in force from this policy revision on.',
  schema: Type.Object(
    {
      ...PolicyRef,
      revision: Type.Integer({ minimum: 1, description: 'Cluster-wide policy revision, bumped by every accepted change' }),
      rules: Type.Unknown({ description: 'Normalized rules, as produced by the policy engine' }),
    },
    { additionalProperties: false },
  ),
});

/** Stream `policy/<namespace>/<name>`. */
export const PolicyRejected = defineEvent({
  service: 'policy',
  type: 'PolicyRejected',
  description: 'A policy version failed validation; the last accepted version (if any) stays in force.',
  schema: Type.Object(
    {
      ...PolicyRef,
      resourceVersion: Type.String(),
      errors: Type.Array(
        Type.Object({ field: Type.String(), message: Type.String() }, { additionalProperties: false }),
        { minItems: 1 },
      ),
    },
    { additionalProperties: false },
  ),
});

/** Stream `policy/<namespace>/<name>`. */
export const PolicyDeleted = defineEvent({
  service: 'policy',
  type: 'PolicyDeleted',
  description: 'A policy was deleted and no longer applies from this policy revision on.',
  schema: Type.Object({ ...PolicyRef, revision: Type.Integer({ minimum: 1 }) }, { additionalProperties: false }),
});

export const policyEvents = [PolicyAccepted, PolicyRejected, PolicyDeleted] as const;
