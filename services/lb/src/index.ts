export { LbDomain, type LbDomainOptions } from './lb-domain.js';
export { LB_OBJECTS, LB_METRICS } from './lb-metric-specs.js';
export { lbProjection, applyLbEvent } from './lb-projection.js';
export {
  emptyLbState,
  type LbState,
  type ServiceRecord,
  type Membership,
  type BackendEntry,
  type ServiceData,
  type BackendData,
  type Frontend,
  type FrontendType,
  type Protocol,
  type BackendState,
} from './lb-state.js';
export {
  desiredService,
  endpointState,
  DEFAULT_AFFINITY_TIMEOUT_SECONDS,
  MAX_AFFINITY_TIMEOUT_SECONDS,
  type DesiredService,
  type DesiredFrontend,
  type DesiredBackend,
  type DesiredResult,
  type InputProblem,
} from './desired-service.js';
export { decideService, type ServiceDecision, type ServiceDecisionInput, type ServiceTriggers } from './decide-service.js';
export { LbInputs, SERVICE_NAME_LABEL } from './lb-inputs.js';
export { IdAllocator, SERVICE_ID_RANGE, FRONTEND_ID_RANGE, BACKEND_ID_RANGE, type IdPool, type IdRange } from './id-pool.js';
export { serviceStream, serviceKeyOfStream } from './service-keys.js';
export { kubernetesCause, RECONCILE_CAUSE } from './causes.js';
export { formatAddress } from './format-address.js';
export {
  servicesQuery,
  backendsQuery,
  type ServiceView,
  type ServicesQueryResult,
  type BackendView,
  type BackendsQueryResult,
} from './lb-queries.js';
