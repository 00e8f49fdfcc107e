import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Pod } from '@netledger/k8s';
import { securityLabels, workloadFromIdentityLabels } from '@netledger/policy-engine';
import { DEFAULT_LABEL_EXCLUDE, LabelFilter, namespaceSecurityLabels, podSecurityLabels } from '@netledger/identity-service';

// The identity service and the policy engine compute a pod's security labels separately (one
// as the published `k8s:` strings, one as the map selectors match). Policies are enforced by
// identity, so the two must agree for every pod; excluded labels drop out of both.
describe('identity labels and the policy engine', () => {
  const filter = new LabelFilter(DEFAULT_LABEL_EXCLUDE);
  const pod = (labels: Record<string, string>, serviceAccountName?: string): Pod => ({
    metadata: { name: 'web-1', namespace: 'shop', uid: 'u', resourceVersion: '1', labels },
    spec: { nodeName: 'n1', ...(serviceAccountName ? { serviceAccountName } : {}) },
  });

  for (const [name, p, nsLabels] of [
    ['plain labels', pod({ app: 'web', tier: 'front' }), { team: 'shop' }],
    ['a service account and no namespace labels', pod({ app: 'db' }, 'database'), {}],
    ['an excluded high-cardinality label', pod({ app: 'web', 'pod-template-hash': '5d8f7c' }), { env: 'prod' }],
  ] as const) {
    it(`agree for a pod with ${name}`, () => {
      const identityLabels = podSecurityLabels(p, namespaceSecurityLabels('shop', nsLabels, filter), filter);
      const byIdentity = securityLabels({ namespace: 'shop', ...workloadFromIdentityLabels(identityLabels) });
      const kept = Object.fromEntries(Object.entries(p.metadata.labels ?? {}).filter(([k]) => filter.includes(k)));
      const byPod = securityLabels({
        namespace: 'shop',
        labels: kept,
        namespaceLabels: nsLabels,
        serviceAccount: p.spec?.serviceAccountName ?? 'default',
      });
      assert.deepEqual(byIdentity, byPod);
    });
  }
});
