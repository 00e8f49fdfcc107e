export { runNodeAgent, type RunningAgent, type NodeAgentOverrides } from './node-agent.js';
export { EventTally } from './event-tally.js';
export { DatapathDriver, type DatapathDriverStatus, type RejectedEvent } from './datapath-driver.js';
export { NodeDesiredState, type DesiredStateSummary } from './desired/node-desired-state.js';
export { DatapathReconciler, type ReconcilerStatus, type MapFullRecord } from './reconcile/datapath-reconciler.js';
export type { ReconcileStats } from './reconcile/reconcile-stats.js';
export { openDatapath, DatapathRequiredError, type OpenedDatapath } from './open-datapath.js';
