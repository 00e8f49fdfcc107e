export { IdentityDomain } from './identity-domain.js';
export { IDENTITIES, UNREFERENCED_IDENTITIES, IDENTITY_METRICS } from './identity-metric-specs.js';
export {
  RESERVED_IDENTITIES,
  FIRST_CLUSTER_IDENTITY,
  LAST_CLUSTER_IDENTITY,
  FIRST_CIDR_IDENTITY,
  LAST_CIDR_IDENTITY,
  identityStream,
} from './reserved-identities.js';
export {
  DEFAULT_LABEL_EXCLUDE,
  DEFAULT_GC_GRACE_MS,
  IdentityOptionsError,
  resolveIdentityOptions,
  type IdentityOptions,
  type IdentityRange,
  type ResolvedIdentityOptions,
} from './identity-options.js';
export { parseIdentityArgs, parseDuration, IDENTITY_FLAGS_HELP, type IdentityArgs } from './identity-flags.js';
export { LabelFilter } from './label-filter.js';
export {
  podSecurityLabels,
  namespaceSecurityLabels,
  labelSetKey,
  K8S_SOURCE,
  POD_NAMESPACE_LABEL,
  NAMESPACE_LABELS_PREFIX,
  SERVICE_ACCOUNT_LABEL,
  NAMESPACE_NAME_LABEL,
} from './security-labels.js';
export { podEndpoint, type PodEndpoint, type PodEndpointResult, type NamedPort } from './pod-endpoint.js';
export { nextFreeIdentity } from './identity-allocator.js';
export { decideEndpoints, type PodChange, type DecideContext, type EndpointDecisions } from './decide-endpoints.js';
export { decideGarbageCollection, GC_CAUSE } from './decide-garbage-collection.js';
export { decideReservedIdentities } from './decide-reserved-identities.js';
export { decidePolicyCidrs, CIDR_RANGE, type PolicyCidrChange, type PolicyCidrDecisions } from './decide-policy-cidrs.js';
export { policyCidrs, cidrLabels, cidrReferencesStream, CIDR_SOURCE } from './policy-cidrs.js';
export { ObservedPolicies, type PolicyObservation } from './observed-policies.js';
export { identityProjection } from './identity-projection.js';
export {
  emptyIdentityState,
  endpointStream,
  type IdentityState,
  type IdentityRecord,
  type EndpointRecord,
  type PolicyCidrsRecord,
  type IdentityScope,
} from './identity-state.js';
export { listIdentities, listEndpoints, type IdentityRow, type EndpointRow } from './identity-queries.js';
export { ObservedCluster, kubernetesCause, type Touched } from './observed-cluster.js';
