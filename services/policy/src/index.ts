export { PolicyDomain, type PolicyDomainOptions } from './policy-domain.js';
export { POLICIES, POLICY_METRICS } from './policy-metric-specs.js';
export { decidePolicyChanges, deletionsOfUnlisted, streamOfChange, type PolicyChange } from './decide-policy-changes.js';
export { policyProjection, type PolicyState, type PolicyRecord, type InForceVersion, type RejectedVersion } from './policy-state.js';
export { policyStream, policyRef, POLICY_KINDS } from './policy-stream.js';
export {
  policyQueries,
  type InForcePolicyView,
  type RejectedVersionView,
  type RejectedPolicyView,
  type PoliciesQueryResult,
  type RejectedQueryResult,
  type RevisionQueryResult,
} from './policy-queries.js';
