export {
  SERVICE_NAMES,
  isServiceName,
  CauseSchema,
  CommandCauseSchema,
  KubernetesCauseSchema,
  EnvelopeSchema,
  type ServiceName,
  type Cause,
  type EventEnvelope,
  type NewEvent,
} from './envelope.js';
export { defineEvent, type EventDefinition, type DefineEventOptions, type EventData, type Upcaster } from './event-definition.js';
export { EventRegistry } from './event-registry.js';
export { EventIdGenerator, newEventId, eventIdTime, isEventId } from './event-id.js';
export {
  SUBJECT_API_VERSION,
  SUBJECT_ROOT,
  eventSubject,
  serviceSubjects,
  jetStreamName,
  encodeSubjectToken,
  decodeSubjectToken,
} from './subjects.js';
export {
  ContractError,
  EventValidationError,
  UnknownEventTypeError,
  UpcastError,
  isContractError,
  type FieldProblem,
} from './errors.js';
export { IdentityAllocated, IdentityReleased, EndpointUpserted, EndpointRemoved, PolicyCidrsReferenced, identityEvents } from './catalogue/identity-events.js';
export { PolicyAccepted, PolicyRejected, PolicyDeleted, policyEvents } from './catalogue/policy-events.js';
export { ServiceUpserted, ServiceDeleted, BackendAdded, BackendRemoved, lbEvents } from './catalogue/lb-events.js';
export { ALL_EVENT_DEFINITIONS, createNetledgerRegistry } from './catalogue/netledger-registry.js';
export { asyncApiDocument, asyncApiJson, type AsyncApiDocumentOptions, type JsonValue } from './asyncapi/asyncapi-document.js';
export {
  NATS_CREDENTIALS_API_VERSION,
  NATS_ROLES,
  NatsCredentialsSchema,
  NatsCredentialsError,
  parseNatsCredentials,
  type NatsCredentials,
  type NatsRole,
} from './nats-credentials.js';
