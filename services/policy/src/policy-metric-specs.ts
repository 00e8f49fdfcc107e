import type { MetricSpec } from '@netledger/runtime';

/** Policies the service holds, by kind and whether a version is in force or the last one was rejected. */
export const POLICIES: MetricSpec<'kind' | 'state'> = {
  name: 'netledger_policies',
  help: 'Policies by kind and state: in_force (an accepted version applies), rejected (the latest version failed validation; a policy may be both).',
  labelNames: ['kind', 'state'],
};

/** The specs of the policy service's metrics. */
export const POLICY_METRICS: readonly MetricSpec<string>[] = [POLICIES];
