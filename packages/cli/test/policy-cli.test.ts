// The policy commands' parsing and output, against stand-in policy and identity services (status
// servers answering canned queries); the end-to-end semantics are in policy-netpol-semantics.test.ts.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { securityLabels, workloadFromIdentityLabels, type PolicySubject } from '@netledger/policy-engine';
import type { InForcePolicyView, PoliciesQueryResult, RejectedPolicyView, RejectedQueryResult } from '@netledger/policy-service';
import { DataDir, StatusServer, writeRunFile } from '@netledger/runtime';
import { CliError, UsageError } from '../src/cli-error.js';
import { parseDport, parseLabelList, parseNamespaceList } from '../src/commands/policy-flags.js';
import { policyList, policyListRows } from '../src/commands/policy-list.js';
import { policyMatrix } from '../src/commands/policy-matrix.js';
import { policyTrace } from '../src/commands/policy-trace.js';

const DENY_ALL_X: PolicySubject[] = [
  { source: 'spec', selector: { requirements: [{ key: 'io.kubernetes.pod.namespace', operator: 'In', values: ['x'] }] }, ingress: { defaultDeny: true, rules: [] }, egress: null },
];

function inForce(over: Partial<InForcePolicyView> = {}): InForcePolicyView {
  return {
    kind: 'NetworkPolicy',
    namespace: 'x',
    name: 'deny-all',
    ref: 'x/deny-all',
    stream: 'policy/x/deny-all',
    uid: 'u1',
    resourceVersion: '10',
    revision: 3,
    rules: DENY_ALL_X,
    newerVersionRejected: null,
    ...over,
  };
}

function rejected(over: Partial<RejectedPolicyView> = {}): RejectedPolicyView {
  return {
    kind: 'CiliumNetworkPolicy',
    namespace: 'y',
    name: 'broken',
    ref: 'y/broken',
    stream: 'cnp/y/broken',
    uid: 'u2',
    resourceVersion: '11',
    errors: [
      { object: 'CiliumNetworkPolicy y/broken', field: 'spec.egress[0].toFQDNs', message: 'DNS-based (FQDN) rules are not supported' },
      { object: 'CiliumNetworkPolicy y/broken', field: 'spec.ingress[0].toPorts[0].ports[0].port', message: 'out of range' },
    ],
    inForceRevision: null,
    ...over,
  };
}

const POD_LABELS = (ns: string, pod: string): string[] => [
  `k8s:io.cilium.k8s.namespace.labels.kubernetes.io/metadata.name=${ns}`,
  `k8s:io.cilium.k8s.namespace.labels.ns=${ns}`,
  `k8s:io.cilium.k8s.policy.serviceaccount=default`,
  `k8s:io.kubernetes.pod.namespace=${ns}`,
  `k8s:pod=${pod}`,
];

describe('policy commands', () => {
  let root: string;
  let dataDir: DataDir;
  const servers: StatusServer[] = [];
  let policies: PoliciesQueryResult = { revision: 3, policies: [inForce()] };
  let rejections: RejectedQueryResult = { revision: 3, rejected: [] };

  async function serve(component: string, queries: Record<string, () => unknown>): Promise<void> {
    const server = await StatusServer.start({ host: '127.0.0.1', port: 0, status: () => ({ component, healthy: true }), queries });
    servers.push(server);
    writeRunFile(dataDir, { component, kind: 'service', pid: process.pid, statusUrl: server.url, startedAt: new Date().toISOString() });
  }

  async function run(command: (print: (t: string) => void) => Promise<number>): Promise<string> {
    let out = '';
    assert.equal(await command((t) => (out += `${t}\n`)), 0);
    return out;
  }

  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'netledger-policy-cli-'));
    dataDir = new DataDir(root);
    await serve('policy', { policies: () => policies, rejected: () => rejections });
    await serve('identity', {
      endpoints: () =>
        ['x', 'y'].flatMap((ns, n) =>
          ['a', 'b'].map((pod, p) => ({ namespace: ns, pod, uid: `${ns}-${pod}`, node: 'n1', ips: [`10.0.${n}.${p + 1}`], identity: 256 + n * 2 + p, labels: { pod }, namedPorts: [{ name: 'http', port: 80, protocol: 'TCP' }] })),
        ),
      identities: () =>
        ['x', 'y'].flatMap((ns, n) => ['a', 'b'].map((pod, p) => ({ id: 256 + n * 2 + p, scope: 'cluster', labels: POD_LABELS(ns, pod), references: 1, unreferencedSince: null }))),
    });
  });

  after(async () => {
    for (const s of servers) await s.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it('parses --dport, --src-labels and --namespaces', () => {
    assert.deepEqual(parseDport('80/tcp'), { port: 80, protocol: 'TCP' });
    assert.deepEqual(parseDport('53/UDP'), { port: 53, protocol: 'UDP' });
    assert.deepEqual(parseDport('8080'), { port: 8080, protocol: 'TCP' });
    for (const bad of [undefined, '', '0/TCP', '65536', '80/ICMP', 'http']) assert.throws(() => parseDport(bad), UsageError, String(bad));
    assert.deepEqual(parseLabelList('src-labels', 'k8s:app=web,tier=,reserved:world'), { app: 'web', tier: '', 'reserved:world': '' });
    assert.throws(() => parseLabelList('src-labels', 'app'), UsageError);
    assert.deepEqual(parseNamespaceList(' x, y ,z'), ['x', 'y', 'z']);
    assert.throws(() => parseNamespaceList(','), UsageError);
  });

  it('turns identity labels back into what the engine derives them from', () => {
    const split = workloadFromIdentityLabels([...POD_LABELS('x', 'a'), 'reserved:init']);
    assert.deepEqual(split, { labels: { pod: 'a' }, namespaceLabels: { 'kubernetes.io/metadata.name': 'x', ns: 'x' }, serviceAccount: 'default' });
    const again = securityLabels({ namespace: 'x', ...split });
    assert.deepEqual(Object.entries(again).map(([k, v]) => `k8s:${k}=${v}`).sort(), POD_LABELS('x', 'a'));
  });

  it('lists policies with their status', async () => {
    const rows = policyListRows(
      [inForce(), inForce({ name: 'web', stream: 'policy/x/web', revision: 5, newerVersionRejected: { uid: 'u1', resourceVersion: '12', errors: rejected().errors } })],
      [rejected(), rejected({ kind: 'NetworkPolicy', namespace: 'x', name: 'web', stream: 'policy/x/web', inForceRevision: 5 })],
    );
    assert.deepEqual(
      rows.map((r) => [r.namespace, r.name, r.kind, r.revision, r.status]),
      [
        ['x', 'deny-all', 'NetworkPolicy', 3, 'in force'],
        ['x', 'web', 'NetworkPolicy', 5, 'in force, newer version rejected: spec.egress[0].toFQDNs: DNS-based (FQDN) rules are not supported (+1 more)'],
        ['y', 'broken', 'CiliumNetworkPolicy', null, 'rejected: spec.egress[0].toFQDNs: DNS-based (FQDN) rules are not supported (+1 more)'],
      ],
    );
    rejections = { revision: 3, rejected: [rejected()] };
    const text = await run((print) => policyList({ dataDir, output: 'text', print }));
    assert.deepEqual(text.split('\n').slice(0, 3), [
      'NAMESPACE   NAME       KIND                  REVISION   STATUS',
      'x           deny-all   NetworkPolicy         3          in force',
      'y           broken     CiliumNetworkPolicy   -          rejected: spec.egress[0].toFQDNs: DNS-based (FQDN) rules are not supported (+1 more)',
    ]);
    assert.match(text, /Revision: 3/);
    const json = JSON.parse(await run((print) => policyList({ dataDir, output: 'json', print }))) as { revision: number; policies: Array<{ errors: unknown[] }> };
    assert.equal(json.revision, 3);
    assert.equal(json.policies[1]!.errors.length, 2);
    rejections = { revision: 3, rejected: [] };
  });

  it('prints the matrix as a grid, and as JSON', async () => {
    const grid = await run((print) => policyMatrix({ dataDir, dport: '80/TCP', output: 'text', print }));
    assert.equal(
      grid,
      ['80/TCP x/a    x/b    y/a    y/b', 'x/a    X      X      .      .', 'x/b    X      X      .      .', 'y/a    X      X      .      .', 'y/b    X      X      .      .', ''].join('\n'),
    );
    const json = JSON.parse(await run((print) => policyMatrix({ dataDir, dport: '80', namespaces: 'y', output: 'json', print })));
    assert.deepEqual(json, { port: '80/TCP', matrix: { 'y/a': { 'y/a': 'ALLOWED', 'y/b': 'ALLOWED' }, 'y/b': { 'y/a': 'ALLOWED', 'y/b': 'ALLOWED' } } });
    await assert.rejects(policyMatrix({ dataDir, dport: '80', namespaces: 'nope', output: 'json', print: () => {} }), /no pods in namespaces nope \(read from the identity service\)/);
  });

  it('prints the trace verdict and one line per deciding rule', async () => {
    const text = await run((print) => policyTrace({ dataDir, src: 'y/a', dst: 'x/b', dport: '80/TCP', output: 'text', print }));
    assert.equal(text, 'DENIED\n  NetworkPolicy x/deny-all selects the endpoint for ingress (spec) and no rule allows it (default deny)\n');
    const json = JSON.parse(await run((print) => policyTrace({ dataDir, srcCidr: '203.0.113.9/32', dst: 'y/b', dport: '80/TCP', output: 'json', print })));
    assert.deepEqual(json, {
      verdict: 'ALLOWED',
      rules: [
        { effect: 'default-allow', direction: 'egress', description: 'egress: no policy applies (default allow)' },
        { effect: 'default-allow', direction: 'ingress', description: 'ingress: no policy applies (default allow)' },
      ],
      revision: 3,
    });
  });

  it('says what is wrong with the flags or the stack', async () => {
    const none = { dataDir, output: 'text' as const, print: () => {} };
    await assert.rejects(policyTrace({ ...none, dst: 'x/a', dport: '80' }), UsageError);
    await assert.rejects(policyTrace({ ...none, src: 'x/a', srcCidr: '1.2.3.4', dst: 'x/a', dport: '80' }), UsageError);
    await assert.rejects(policyTrace({ ...none, src: 'x/a', dport: '80' }), /needs --dst/);
    await assert.rejects(policyTrace({ ...none, src: 'xa', dst: 'x/a', dport: '80' }), /--src xa: expected NAMESPACE\/POD/);
    await assert.rejects(policyTrace({ ...none, srcCidr: '10.0.0.0/8', dst: 'x/a', dport: '80' }), /one source address/);
    await assert.rejects(policyTrace({ ...none, src: 'x/zz', dst: 'x/a', dport: '80' }), (e: unknown) => e instanceof CliError && /x\/zz: pod is not an endpoint of the identity service/.test(e.message));
    const empty = new DataDir(join(root, 'no-stack'));
    await assert.rejects(policyList({ dataDir: empty, output: 'text' }), /the policy service is not running from .*no-stack/);
  });
});
