import type { MetricSpec } from '@netledger/runtime';

/** Identities in use, by where their number comes from. */
export const IDENTITIES: MetricSpec<'kind'> = {
  name: 'netledger_identities',
  help: 'Security identities allocated and not released, by kind: reserved (fixed numbers), cluster (one per label set of pods), cidr (one per CIDR prefix policies reference).',
  labelNames: ['kind'],
};

/** Identities allocated but referenced by no endpoint or policy: what garbage collection will release after its grace. */
export const UNREFERENCED_IDENTITIES: MetricSpec<never> = {
  name: 'netledger_identities_unreferenced',
  help: 'Identities allocated but referenced by no endpoint (cluster) or policy (cidr); garbage collection releases them after its grace period.',
  labelNames: [],
};

/** The specs of the identity service's metrics. */
export const IDENTITY_METRICS: readonly MetricSpec<string>[] = [IDENTITIES, UNREFERENCED_IDENTITIES];
