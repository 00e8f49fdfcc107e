// NetworkPolicy semantics end to end, in the style of the upstream Kubernetes netpol e2e suite:
// pods a, b, c in namespaces x, y, z; policies applied to a local Kubernetes API server; the real
// identity and policy services (in-process, informer sources, SQLite logs, NATS) decide; the CLI
// functions `policyMatrix` / `policyTrace` / `policyList` answer from their queries.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { NatsServerProcess } from '@netledger/bus';
import { createNetledgerRegistry } from '@netledger/contracts';
import { IdentityDomain } from '@netledger/identity-service';
import { createInformerSources, createKubeClient, parseManifests, type KubeClient, type KubeManifest } from '@netledger/k8s';
import { startLocalApiServer, type LocalApiServer } from '@netledger/kube-apiserver';
import { formatReachabilityMatrix, type ReachabilityMatrix } from '@netledger/policy-engine';
import { PolicyDomain, type PoliciesQueryResult, type RejectedQueryResult } from '@netledger/policy-service';
import { DataDir, fetchQuery, parseServiceArgs, runService, type Logger, type RunningService } from '@netledger/runtime';
import { policyList } from '../src/commands/policy-list.js';
import { policyMatrix } from '../src/commands/policy-matrix.js';
import { policyTrace, type TraceResult } from '../src/commands/policy-trace.js';

const NAMESPACES = ['x', 'y', 'z'] as const;
const PODS = ['a', 'b', 'c'] as const;
const quiet: Logger = { info: () => {}, error: () => {} };

type Cell = 'ALLOWED' | 'DENIED';

// Rows: sources; columns: destinations; '.' allowed, 'X' denied (header row names the columns).
function parseGrid(text: string): Record<string, Record<string, Cell>> {
  const lines = text.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  const header = lines[0]!.split(/\s+/);
  return Object.fromEntries(
    lines.slice(1).map((line) => {
      const [from, ...cells] = line.split(/\s+/);
      assert.equal(cells.length, header.length, `bad expected row ${line}`);
      return [from!, Object.fromEntries(cells.map((c, i) => [header[i]!, c === '.' ? 'ALLOWED' : 'DENIED']))];
    }),
  );
}

function assertMatrix(actual: ReachabilityMatrix, expected: string): void {
  const want = parseGrid(expected);
  assert.deepEqual(actual.matrix, want, `reachability on ${actual.port}:\nexpected\n${formatReachabilityMatrix({ port: actual.port, matrix: want })}\nactual\n${formatReachabilityMatrix(actual)}`);
}

const ALL_ALLOWED = `
      x/a x/b x/c y/a y/b y/c z/a z/b z/c
  x/a  .   .   .   .   .   .   .   .   .
  x/b  .   .   .   .   .   .   .   .   .
  x/c  .   .   .   .   .   .   .   .   .
  y/a  .   .   .   .   .   .   .   .   .
  y/b  .   .   .   .   .   .   .   .   .
  y/c  .   .   .   .   .   .   .   .   .
  z/a  .   .   .   .   .   .   .   .   .
  z/b  .   .   .   .   .   .   .   .   .
  z/c  .   .   .   .   .   .   .   .   .
`;

function clusterManifests(): KubeManifest[] {
  const out: KubeManifest[] = [];
  NAMESPACES.forEach((ns, n) => {
    out.push({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels: { ns } } });
    PODS.forEach((pod, p) => {
      out.push({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: pod, namespace: ns, labels: { pod } },
        spec: {
          nodeName: 'node-1',
          containers: [
            {
              name: 'cont',
              image: 'agnhost',
              ports: [
                { name: 'serve-80', containerPort: 80, protocol: 'TCP' },
                { name: 'serve-81', containerPort: 81, protocol: 'TCP' },
                { name: 'serve-80-udp', containerPort: 80, protocol: 'UDP' },
              ],
            },
          ],
        },
        status: { phase: 'Running', podIP: `10.244.${n + 1}.${p + 10}`, podIPs: [{ ip: `10.244.${n + 1}.${p + 10}` }] },
      });
    });
  });
  return out;
}

describe('NetworkPolicy semantics through the policy service and netledger policy matrix|trace', { timeout: 120_000 }, () => {
  let root: string;
  let dataDir: DataDir;
  let api: LocalApiServer;
  let nats: NatsServerProcess;
  let kube: KubeClient;
  let identity: RunningService | undefined;
  let policy: RunningService;

  async function startService(service: 'identity' | 'policy'): Promise<RunningService> {
    const config = parseServiceArgs(service, ['--data-dir', root, '--nats', nats.url, '--kubeconfig', api.kubeconfigPath])!;
    const sources = createInformerSources({ kubeconfigPath: config.kubeconfig, backoff: { initialMs: 100, maxMs: 1000 } });
    const domain = service === 'identity' ? new IdentityDomain() : new PolicyDomain();
    return runService(config, createNetledgerRegistry(), domain, sources, quiet);
  }

  async function until<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
    for (let i = 0; i < 600; i++) {
      const value = await probe();
      if (value !== undefined) return value;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error(`timed out waiting for ${what}`);
  }

  /** Applies policies and waits until the policy service decided each applied version. */
  async function apply(yaml: string): Promise<void> {
    const results = await kube.apply(parseManifests(yaml, 'test').map((m) => m.object));
    for (const r of results) {
      assert.notEqual(r.outcome, 'failed', r.outcome === 'failed' ? r.error.message : '');
      if (r.outcome === 'failed' || r.outcome === 'unchanged') continue;
      const rv = r.object.metadata.resourceVersion;
      await until(`${r.resource.kind} ${r.namespace ?? ''}/${r.name}@${rv} in the policy service`, async () => {
        const [p, j] = await Promise.all([fetchQuery<PoliciesQueryResult>(policy.statusUrl, 'policies'), fetchQuery<RejectedQueryResult>(policy.statusUrl, 'rejected')]);
        const seen = [...p.policies.map((x) => [x.name, x.resourceVersion]), ...j.rejected.map((x) => [x.name, x.resourceVersion])];
        return seen.some(([name, v]) => name === r.name && v === rv) ? true : undefined;
      });
    }
  }

  /** Deletes every policy and waits until none is left in the policy service. */
  async function deleteAllPolicies(): Promise<void> {
    for (const kind of ['networkpolicies', 'ciliumnetworkpolicies', 'ciliumclusterwidenetworkpolicies']) {
      const objects = await kube.list(kind);
      await kube.delete(objects.map((o) => ({ apiVersion: o.apiVersion!, kind: o.kind!, metadata: { name: o.metadata.name, ...(o.metadata.namespace ? { namespace: o.metadata.namespace } : {}) } })));
    }
    await until('no policy left', async () => {
      const [p, j] = await Promise.all([fetchQuery<PoliciesQueryResult>(policy.statusUrl, 'policies'), fetchQuery<RejectedQueryResult>(policy.statusUrl, 'rejected')]);
      return p.policies.length === 0 && j.rejected.length === 0 ? true : undefined;
    });
  }

  async function matrix(dport: string, namespaces = 'x,y,z'): Promise<ReachabilityMatrix> {
    let out = '';
    const code = await policyMatrix({ dataDir, namespaces, dport, output: 'json', print: (t) => (out += t) });
    assert.equal(code, 0);
    return JSON.parse(out) as ReachabilityMatrix;
  }

  async function trace(flags: { src?: string; srcLabels?: string; srcCidr?: string; dst: string; dport: string }): Promise<TraceResult> {
    let out = '';
    assert.equal(await policyTrace({ dataDir, ...flags, output: 'json', print: (t) => (out += t) }), 0);
    return JSON.parse(out) as TraceResult;
  }

  async function withPolicies(yaml: string, check: () => Promise<void>): Promise<void> {
    await apply(yaml);
    try {
      await check();
    } finally {
      await deleteAllPolicies();
    }
  }

  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'netledger-netpol-'));
    dataDir = new DataDir(root);
    api = await startLocalApiServer({ dataDir: root });
    nats = await NatsServerProcess.start({ storeDir: join(root, 'nats') });
    kube = createKubeClient({ kubeconfigPath: api.kubeconfigPath });
    const created = await kube.apply(clusterManifests());
    assert.ok(created.every((r) => r.outcome !== 'failed'), JSON.stringify(created.filter((r) => r.outcome === 'failed')));
    [identity, policy] = await Promise.all([startService('identity'), startService('policy')]);
    await until('9 endpoints in the identity service', async () => {
      const endpoints = await fetchQuery<unknown[]>(identity!.statusUrl, 'endpoints');
      return endpoints.length === 9 ? true : undefined;
    });
  });

  after(async () => {
    await policy?.stop();
    await identity?.stop();
    await nats?.stop();
    await api?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it('allows everything without policies', async () => {
    assertMatrix(await matrix('80/TCP'), ALL_ALLOWED);
  });

  it('deny-all ingress closes namespace x, and trace names the policy', async () => {
    await withPolicies(
      `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: deny-all, namespace: x }
spec:
  podSelector: {}
  policyTypes: [Ingress]
`,
      async () => {
        assertMatrix(
          await matrix('80/TCP'),
          `
      x/a x/b x/c y/a y/b y/c z/a z/b z/c
  x/a  X   X   X   .   .   .   .   .   .
  x/b  X   X   X   .   .   .   .   .   .
  x/c  X   X   X   .   .   .   .   .   .
  y/a  X   X   X   .   .   .   .   .   .
  y/b  X   X   X   .   .   .   .   .   .
  y/c  X   X   X   .   .   .   .   .   .
  z/a  X   X   X   .   .   .   .   .   .
  z/b  X   X   X   .   .   .   .   .   .
  z/c  X   X   X   .   .   .   .   .   .
`,
        );
        const denied = await trace({ src: 'y/b', dst: 'x/a', dport: '80/TCP' });
        assert.equal(denied.verdict, 'DENIED');
        assert.deepEqual(
          denied.rules.map((r) => [r.effect, 'policy' in r ? r.policy : '', r.direction]),
          [['default-deny', 'x/deny-all', 'ingress']],
        );
        assert.match(denied.rules[0]!.description, /NetworkPolicy x\/deny-all selects the endpoint for ingress/);
        const allowed = await trace({ src: 'x/a', dst: 'y/b', dport: '80/TCP' });
        assert.equal(allowed.verdict, 'ALLOWED');
        assert.deepEqual(allowed.rules.map((r) => r.effect), ['default-allow', 'default-allow']);
      },
    );
  });

  it('allows ingress from one namespace (namespaceSelector)', async () => {
    await withPolicies(
      `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: allow-from-y, namespace: x }
spec:
  podSelector: {}
  ingress:
    - from:
        - namespaceSelector: { matchLabels: { ns: y } }
`,
      async () => {
        assertMatrix(
          await matrix('80/TCP'),
          `
      x/a x/b x/c y/a y/b y/c z/a z/b z/c
  x/a  X   X   X   .   .   .   .   .   .
  x/b  X   X   X   .   .   .   .   .   .
  x/c  X   X   X   .   .   .   .   .   .
  y/a  .   .   .   .   .   .   .   .   .
  y/b  .   .   .   .   .   .   .   .   .
  y/c  .   .   .   .   .   .   .   .   .
  z/a  X   X   X   .   .   .   .   .   .
  z/b  X   X   X   .   .   .   .   .   .
  z/c  X   X   X   .   .   .   .   .   .
`,
        );
        const t = await trace({ src: 'y/c', dst: 'x/b', dport: '80/TCP' });
        assert.equal(t.verdict, 'ALLOWED');
        assert.deepEqual(t.rules.map((r) => r.description), [
          'egress: no policy applies (default allow)',
          'NetworkPolicy x/allow-from-y ingress rule 0 (spec.ingress[0]): allow',
        ]);
      },
    );
  });

  it('allows ingress from a pod label in any namespace (namespaceSelector {} AND podSelector)', async () => {
    await withPolicies(
      `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: allow-b-anywhere, namespace: x }
spec:
  podSelector: { matchLabels: { pod: a } }
  ingress:
    - from:
        - namespaceSelector: {}
          podSelector: { matchLabels: { pod: b } }
`,
      async () => {
        assertMatrix(
          await matrix('80/TCP'),
          `
      x/a x/b x/c y/a y/b y/c z/a z/b z/c
  x/a  X   .   .   .   .   .   .   .   .
  x/b  .   .   .   .   .   .   .   .   .
  x/c  X   .   .   .   .   .   .   .   .
  y/a  X   .   .   .   .   .   .   .   .
  y/b  .   .   .   .   .   .   .   .   .
  y/c  X   .   .   .   .   .   .   .   .
  z/a  X   .   .   .   .   .   .   .   .
  z/b  .   .   .   .   .   .   .   .   .
  z/c  X   .   .   .   .   .   .   .   .
`,
        );
      },
    );
  });

  it('treats namespaceSelector and podSelector in one peer as AND, in two peers as OR', async () => {
    await withPolicies(
      `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: and, namespace: x }
spec:
  podSelector: { matchLabels: { pod: a } }
  ingress:
    - from:
        - namespaceSelector: { matchLabels: { ns: y } }
          podSelector: { matchLabels: { pod: c } }
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: or, namespace: x }
spec:
  podSelector: { matchLabels: { pod: b } }
  ingress:
    - from:
        - namespaceSelector: { matchLabels: { ns: y } }
        - podSelector: { matchLabels: { pod: c } }
`,
      async () => {
        // x/a: only y/c. x/b: everything in y, or pod c of x (a bare podSelector is the policy's namespace).
        assertMatrix(
          await matrix('80/TCP'),
          `
      x/a x/b x/c y/a y/b y/c z/a z/b z/c
  x/a  X   X   .   .   .   .   .   .   .
  x/b  X   X   .   .   .   .   .   .   .
  x/c  X   .   .   .   .   .   .   .   .
  y/a  X   .   .   .   .   .   .   .   .
  y/b  X   .   .   .   .   .   .   .   .
  y/c  .   .   .   .   .   .   .   .   .
  z/a  X   X   .   .   .   .   .   .   .
  z/b  X   X   .   .   .   .   .   .   .
  z/c  X   X   .   .   .   .   .   .   .
`,
        );
      },
    );
  });

  it('matches port ranges (endPort) and named ports', async () => {
    await withPolicies(
      `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: range-from-y, namespace: x }
spec:
  podSelector: {}
  ingress:
    - from: [{ namespaceSelector: { matchLabels: { ns: y } } }]
      ports: [{ protocol: TCP, port: 81, endPort: 85 }]
    - from: [{ namespaceSelector: { matchLabels: { ns: z } } }]
      ports: [{ port: serve-80 }]
`,
      async () => {
        // 80: only z, through the named port; 81 and 85: only y, through the range; 86: nobody.
        const only = (allowed: 'y' | 'z' | 'none'): string => `
      x/a x/b x/c y/a y/b y/c z/a z/b z/c
  x/a  X   X   X   .   .   .   .   .   .
  x/b  X   X   X   .   .   .   .   .   .
  x/c  X   X   X   .   .   .   .   .   .
${['y', 'z']
  .flatMap((ns) => ['a', 'b', 'c'].map((p) => `  ${ns}/${p}  ${ns === allowed ? '.   .   .' : 'X   X   X'}   .   .   .   .   .   .`))
  .join('\n')}
`;
        assertMatrix(await matrix('80/TCP'), only('z'));
        assertMatrix(await matrix('81/TCP'), only('y'));
        assertMatrix(await matrix('85/TCP'), only('y'));
        assertMatrix(await matrix('86/TCP'), only('none'));
        // serve-80 is declared for TCP only: UDP 80 is not the named port.
        assertMatrix(await matrix('80/UDP'), only('none'));
      },
    );
  });

  it('admits addresses of an ipBlock but not its except (via --src-cidr)', async () => {
    await withPolicies(
      `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: from-cidr, namespace: x }
spec:
  podSelector: { matchLabels: { pod: a } }
  ingress:
    - from:
        - ipBlock: { cidr: 192.0.2.0/24, except: [192.0.2.128/25] }
`,
      async () => {
        assert.equal((await trace({ srcCidr: '192.0.2.10', dst: 'x/a', dport: '80/TCP' })).verdict, 'ALLOWED');
        assert.equal((await trace({ srcCidr: '192.0.2.200', dst: 'x/a', dport: '80/TCP' })).verdict, 'DENIED');
        assert.equal((await trace({ srcCidr: '198.51.100.7/32', dst: 'x/a', dport: '80/TCP' })).verdict, 'DENIED');
        assert.equal((await trace({ srcCidr: '192.0.2.200', dst: 'x/b', dport: '80/TCP' })).verdict, 'ALLOWED', 'x/b is not selected');
        // A pod's address is the pod, not the world: the ipBlock does not admit it.
        assert.equal((await trace({ srcCidr: '10.244.2.11', dst: 'x/a', dport: '80/TCP' })).verdict, 'DENIED');
        assertMatrix(
          await matrix('80/TCP'),
          `
      x/a x/b x/c y/a y/b y/c z/a z/b z/c
  x/a  X   .   .   .   .   .   .   .   .
  x/b  X   .   .   .   .   .   .   .   .
  x/c  X   .   .   .   .   .   .   .   .
  y/a  X   .   .   .   .   .   .   .   .
  y/b  X   .   .   .   .   .   .   .   .
  y/c  X   .   .   .   .   .   .   .   .
  z/a  X   .   .   .   .   .   .   .   .
  z/b  X   .   .   .   .   .   .   .   .
  z/c  X   .   .   .   .   .   .   .   .
`,
        );
      },
    );
  });

  it('restricts egress to a namespace and a port', async () => {
    await withPolicies(
      `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: egress-to-y, namespace: x }
spec:
  podSelector: {}
  policyTypes: [Egress]
  egress:
    - to: [{ namespaceSelector: { matchLabels: { ns: y } } }]
      ports: [{ protocol: TCP, port: 80 }]
`,
      async () => {
        const onlyY = `
      x/a x/b x/c y/a y/b y/c z/a z/b z/c
  x/a  X   X   X   .   .   .   X   X   X
  x/b  X   X   X   .   .   .   X   X   X
  x/c  X   X   X   .   .   .   X   X   X
  y/a  .   .   .   .   .   .   .   .   .
  y/b  .   .   .   .   .   .   .   .   .
  y/c  .   .   .   .   .   .   .   .   .
  z/a  .   .   .   .   .   .   .   .   .
  z/b  .   .   .   .   .   .   .   .   .
  z/c  .   .   .   .   .   .   .   .   .
`;
        assertMatrix(await matrix('80/TCP'), onlyY);
        const on81 = await matrix('81/TCP');
        for (const dst of ['y/a', 'z/b', 'x/c']) assert.equal(on81.matrix['x/a']?.[dst], 'DENIED', dst);
        const t = await trace({ src: 'x/a', dst: 'z/a', dport: '80/TCP' });
        assert.deepEqual(t.rules.map((r) => [r.effect, r.direction]), [['default-deny', 'egress']]);
      },
    );
  });

  it('lets a CiliumNetworkPolicy deny override a NetworkPolicy allow', async () => {
    await withPolicies(
      `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: allow-all, namespace: y }
spec:
  podSelector: {}
  ingress: [{}]
---
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: { name: deny-from-z, namespace: y }
spec:
  endpointSelector: {}
  ingressDeny:
    - fromEndpoints:
        - matchLabels: { "k8s:io.kubernetes.pod.namespace": z }
`,
      async () => {
        assertMatrix(
          await matrix('80/TCP'),
          `
      x/a x/b x/c y/a y/b y/c z/a z/b z/c
  x/a  .   .   .   .   .   .   .   .   .
  x/b  .   .   .   .   .   .   .   .   .
  x/c  .   .   .   .   .   .   .   .   .
  y/a  .   .   .   .   .   .   .   .   .
  y/b  .   .   .   .   .   .   .   .   .
  y/c  .   .   .   .   .   .   .   .   .
  z/a  .   .   .   X   X   X   .   .   .
  z/b  .   .   .   X   X   X   .   .   .
  z/c  .   .   .   X   X   X   .   .   .
`,
        );
        const t = await trace({ srcLabels: 'pod=a,io.kubernetes.pod.namespace=z,io.cilium.k8s.namespace.labels.ns=z', dst: 'y/b', dport: '80/TCP' });
        assert.equal(t.verdict, 'DENIED');
        assert.deepEqual(
          t.rules.map((r) => r.description),
          ['CiliumNetworkPolicy y/deny-from-z ingress rule 0 (spec.ingressDeny[0]): deny'],
        );
      },
    );
  });

  it('rejects invalid versions with errors naming object and field, and keeps the last valid one in force', async () => {
    const version = (extra: string): string => `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: guarded, namespace: x }
spec:
  podSelector: {}
  ingress:
    - from:
        - namespaceSelector: { matchLabels: { ns: y } }
${extra}`;
    await withPolicies(version(''), async () => {
      const before = await matrix('80/TCP');
      assert.equal(before.matrix['z/a']?.['x/a'], 'DENIED');
      assert.equal(before.matrix['y/a']?.['x/a'], 'ALLOWED');
      const cases: Array<[string, string, RegExp]> = [
        ['        - ipBlock: { cidr: 10.0.0.0/33 }', 'spec.ingress[0].from[1].ipBlock.cidr', /prefix length/],
        ['        - podSelector: { matchExpressions: [{ key: pod, operator: Equals, values: [a] }] }', 'spec.ingress[0].from[1].podSelector.matchExpressions[0].operator', /unknown operator "Equals"/],
        ['      ports: [{ protocol: TCP, port: 70000 }]', 'spec.ingress[0].ports[0].port', /between 1 and 65535/],
        ['  egres: []', 'spec.egres', /unknown field "egres"/],
      ];
      for (const [extra, field, message] of cases) {
        await apply(version(extra));
        const { rejected } = await fetchQuery<RejectedQueryResult>(policy.statusUrl, 'rejected');
        const errors = rejected.find((r) => r.name === 'guarded')?.errors ?? [];
        assert.ok(
          errors.some((e) => e.object === 'NetworkPolicy x/guarded' && e.field === field && message.test(e.message)),
          `expected an error on ${field}, got ${JSON.stringify(errors)}`,
        );
        assert.deepEqual((await matrix('80/TCP')).matrix, before.matrix, `the matrix changed after the invalid ${field}`);
      }
      let listed = '';
      await policyList({ dataDir, output: 'text', print: (t) => (listed += `${t}\n`) });
      assert.match(listed, /x\s+guarded\s+NetworkPolicy\s+\d+\s+in force, newer version rejected: spec\.egres: unknown field "egres"/);
    });
  });

  it('reads pods from the Kubernetes API when the identity service is not running', async () => {
    await identity!.stop();
    identity = undefined;
    await withPolicies(
      `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: allow-from-y, namespace: z }
spec:
  podSelector: { matchLabels: { pod: c } }
  ingress:
    - from: [{ namespaceSelector: { matchLabels: { ns: y } } }]
      ports: [{ port: serve-81 }]
`,
      async () => {
        const m = await matrix('81/TCP', 'y,z');
        assert.deepEqual(Object.keys(m.matrix), ['y/a', 'y/b', 'y/c', 'z/a', 'z/b', 'z/c']);
        assert.deepEqual(
          Object.entries(m.matrix).map(([from, row]) => `${from}:${row['z/c']}`),
          ['y/a:ALLOWED', 'y/b:ALLOWED', 'y/c:ALLOWED', 'z/a:DENIED', 'z/b:DENIED', 'z/c:DENIED'],
        );
      },
    );
  });
});
