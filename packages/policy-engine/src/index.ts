// Parsing and validation
export { parsePolicy, type ParseResult, type ParsePolicyOptions, type PolicyError } from './parse/parse-policy.js';
export type { FieldProblem } from './model/field-problem.js';

// The normalized policy (plain data carried in events)
export {
  ENTITIES,
  type NormalizedPolicy,
  type PolicyKind,
  type PolicySubject,
  type DirectionRules,
  type PolicyRule,
  type PeerMatch,
  type PortMatch,
  type Entity,
  type Direction,
  type L4Protocol,
  type RuleProtocol,
} from './model/normalized-policy.js';

// Label selectors and security labels
export {
  SELECTOR_OPERATORS,
  selectorOf,
  andSelector,
  selectorKey,
  type Labels,
  type Selector,
  type LabelRequirement,
  type SelectorOperator,
  type LabelSelectorInput,
} from './labels/label-selector.js';
export { parseLabelSelector, type SelectorDialect, type SelectorParseResult } from './labels/parse-label-selector.js';
export { compileSelector, matchesSelector, type LabelMatcher } from './labels/compile-selector.js';
export {
  POD_NAMESPACE_LABEL,
  NAMESPACE_LABELS_PREFIX,
  NAMESPACE_NAME_LABEL,
  SERVICE_ACCOUNT_LABEL,
  RESERVED_LABEL_PREFIX,
  securityLabels,
  reservedLabels,
  type ReservedIdentity,
  type WorkloadLabelSource,
} from './labels/security-labels.js';
export { K8S_LABEL_SOURCE, workloadFromIdentityLabels, type IdentityWorkloadLabels } from './labels/identity-labels.js';

// Evaluation
export {
  createPolicyEvaluator,
  evaluate,
  evaluateByLabels,
  reachabilityMatrix,
  peerIdentity,
  type PolicyEvaluator,
} from './eval/policy-evaluator.js';
export type {
  Peer,
  EndpointPeer,
  IpPeer,
  EntityPeer,
  IdentityPeer,
  NamedPort,
  FlowQuery,
  ClusterView,
  Verdict,
  DecidingRule,
  ReachabilityMatrix,
} from './model/flow-query.js';
export { formatDecidingRule, formatVerdict, formatReachabilityMatrix } from './eval/format-verdict.js';

// Errors
export { PolicyEngineError, InvalidQueryError, InvalidPolicyDataError, isPolicyEngineError } from './errors.js';
