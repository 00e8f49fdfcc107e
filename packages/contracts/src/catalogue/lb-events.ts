import { Type } from '@sinclair/typebox';
import { defineEvent } from '../event-definition.js';

const Protocol = Type.Union([Type.Literal('TCP'), Type.Literal('UDP'), Type.Literal('SCTP')]);

const Frontend = Type.Object(
  {
    type: Type.Union([
      Type.Literal('ClusterIP'),
      Type.Literal('NodePort'),
      Type.Literal('LoadBalancer'),
      Type.Literal('ExternalIP'),
    ]),
    ip: Type.String({ description: 'VIP; 0.0.0.0 for a NodePort on every node address' }),
    port: Type.Integer({ minimum: 1, maximum: 65535 }),
    protocol: Protocol,
    portName: Type.String(),
  },
  { additionalProperties: false },
);

/** Stream `service/<namespace>/<name>`. */
export const ServiceUpserted = defineEvent({
  service: 'lb',
  type: 'ServiceUpserted',
  description: 'A load-balanced service and its frontends, with its stable numeric id.',
  schema: Type.Object(
    {
      serviceId: Type.Integer({ minimum: 1, maximum: 65535 }),
      namespace: Type.String(),
      name: Type.String(),
      frontends: Type.Array(Frontend),
      sessionAffinity: Type.Union([Type.Literal('None'), Type.Literal('ClientIP')]),
      affinityTimeoutSeconds: Type.Integer({ minimum: 0 }),
      externalTrafficLocal: Type.Boolean(),
      internalTrafficLocal: Type.Boolean(),
    },
    { additionalProperties: false },
  ),
});

/** Stream `service/<namespace>/<name>`. */
export const ServiceDeleted = defineEvent({
  service: 'lb',
  type: 'ServiceDeleted',
  description: 'A service and all its frontends are gone.',
  schema: Type.Object(
    { serviceId: Type.Integer({ minimum: 1 }), namespace: Type.String(), name: Type.String() },
    { additionalProperties: false },
  ),
});

/** Stream `service/<namespace>/<name>`. */
export const BackendAdded = defineEvent({
  service: 'lb',
  type: 'BackendAdded',
  description: 'A backend serves a port of a service (or its state changed), with its stable numeric id.',
  schema: Type.Object(
    {
      serviceId: Type.Integer({ minimum: 1 }),
      backendId: Type.Integer({ minimum: 1 }),
      portName: Type.String(),
      ip: Type.String(),
      port: Type.Integer({ minimum: 1, maximum: 65535 }),
      protocol: Protocol,
      node: Type.String(),
      state: Type.Union([Type.Literal('active'), Type.Literal('terminating'), Type.Literal('quarantined')]),
    },
    { additionalProperties: false },
  ),
});

/** Stream `service/<namespace>/<name>`. */
export const BackendRemoved = defineEvent({
  service: 'lb',
  type: 'BackendRemoved',
  description: 'A backend no longer serves the service.',
  schema: Type.Object(
    { serviceId: Type.Integer({ minimum: 1 }), backendId: Type.Integer({ minimum: 1 }), portName: Type.String() },
    { additionalProperties: false },
  ),
});

export const lbEvents = [ServiceUpserted, ServiceDeleted, BackendAdded, BackendRemoved] as const;
