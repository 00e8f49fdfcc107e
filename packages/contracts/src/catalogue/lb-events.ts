import { Type } from '@sinclair/typebox';
import { defineEvent } from '../event-definition.js';

// The LB family is shaped for the datapath's three maps:
//   services  {vip, port, proto, slot} -> {backend id | count, rev-NAT id}  (frontends + backends by port name)
//   backends  {backend id} -> {ip, port, proto, state}                     (BackendAdded)
//   rev-NAT   {rev-NAT id} -> {vip, port}                                  (frontend id + ip + port)
// A frontend's id is its rev-NAT index: replies must be rewritten to the address the client
// used, and one service answers on several (ClusterIP, node ports, LB and external IPs).

const Protocol = Type.Union([Type.Literal('TCP'), Type.Literal('UDP'), Type.Literal('SCTP')]);

const Frontend = Type.Object(
  {
    id: Type.Integer({
      minimum: 1,
      maximum: 65535,
      description: 'Frontend id, used as the rev-NAT index; stable while the frontend (ip, port, protocol) exists',
    }),
    type: Type.Union([
      Type.Literal('ClusterIP'),
      Type.Literal('NodePort'),
      Type.Literal('LoadBalancer'),
      Type.Literal('ExternalIP'),
    ]),
    ip: Type.String({ description: 'VIP; 0.0.0.0 (or ::) for a NodePort on every node address' }),
    port: Type.Integer({ minimum: 1, maximum: 65535 }),
    protocol: Protocol,
    portName: Type.String({ description: 'Service port name; backends with the same portName serve this frontend' }),
  },
  { additionalProperties: false },
);

/** Stream `service/<namespace>/<name>`. */
export const ServiceUpserted = defineEvent({
  service: 'lb',
  type: 'ServiceUpserted',
  description: 'A load-balanced service and its frontends (new, or its spec or status changed), with its stable numeric id.',
  schema: Type.Object(
    {
      serviceId: Type.Integer({ minimum: 1, maximum: 65535 }),
      namespace: Type.String(),
      name: Type.String(),
      frontends: Type.Array(Frontend, { description: 'Every frontend now in force; ones missing since the last event are gone' }),
      sessionAffinity: Type.Union([Type.Literal('None'), Type.Literal('ClientIP')]),
      affinityTimeoutSeconds: Type.Integer({ minimum: 0, description: '0 when sessionAffinity is None' }),
      externalTrafficLocal: Type.Boolean({ description: 'NodePort, LoadBalancer and external IP frontends use node-local backends only' }),
      internalTrafficLocal: Type.Boolean({ description: 'ClusterIP frontends use node-local backends only' }),
    },
    { additionalProperties: false },
  ),
});

/** Stream `service/<namespace>/<name>`. */
export const ServiceDeleted = defineEvent({
  service: 'lb',
  type: 'ServiceDeleted',
  description: 'A service, all its frontends and its backend memberships are gone (no BackendRemoved is sent for them).',
  schema: Type.Object(
    { serviceId: Type.Integer({ minimum: 1, maximum: 65535 }), namespace: Type.String(), name: Type.String() },
    { additionalProperties: false },
  ),
});

/** Stream `service/<namespace>/<name>`. */
export const BackendAdded = defineEvent({
  service: 'lb',
  type: 'BackendAdded',
  description: 'A backend serves a port of a service, or its state or node changed, with its stable numeric id.',
  schema: Type.Object(
    {
      serviceId: Type.Integer({ minimum: 1, maximum: 65535 }),
      backendId: Type.Integer({ minimum: 1, maximum: 0xffffffff, description: 'One id per ip/port/protocol, shared by every service using it' }),
      portName: Type.String(),
      ip: Type.String(),
      port: Type.Integer({ minimum: 1, maximum: 65535 }),
      protocol: Protocol,
      node: Type.String({ description: "Node of the endpoint ('' when unknown), for externalTrafficPolicy/internalTrafficPolicy Local" }),
      state: Type.Union([Type.Literal('active'), Type.Literal('terminating'), Type.Literal('quarantined')], {
        description: 'terminating backends are used by a frontend only while it has no active backend',
      }),
    },
    { additionalProperties: false },
  ),
});

/** Stream `service/<namespace>/<name>`. */
export const BackendRemoved = defineEvent({
  service: 'lb',
  type: 'BackendRemoved',
  description: 'A backend no longer serves a port of the service.',
  schema: Type.Object(
    {
      serviceId: Type.Integer({ minimum: 1, maximum: 65535 }),
      backendId: Type.Integer({ minimum: 1, maximum: 0xffffffff }),
      portName: Type.String(),
    },
    { additionalProperties: false },
  ),
});

export const lbEvents = [ServiceUpserted, ServiceDeleted, BackendAdded, BackendRemoved] as const;
