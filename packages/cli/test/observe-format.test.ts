import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Flow } from '@netledger/node-agent';
import { UsageError } from '../src/cli-error.js';
import { compactFlowLine, flowTableRow, formatFlowTime } from '../src/observe/format-flow.js';
import { parseSince, planObserve } from '../src/observe/observe-options.js';

const NS = 'connectivity-check';

const allowed: Flow = {
  seq: '7',
  time: '2026-11-29T18:00:00.123Z',
  node: 'n1',
  verdict: 'FORWARDED',
  observation: 'from-pod',
  direction: 'egress',
  isReply: false,
  ip: { source: '10.231.0.10', destination: '10.231.0.20' },
  l4: { protocol: 'TCP', sourcePort: 41234, destinationPort: 8080, tcpFlags: ['SYN'] },
  source: { identity: 256, namespace: NS, pod: 'pod-to-a-allowed-cnp-7c9', labels: ['k8s:name=pod-to-a-allowed-cnp'] },
  destination: { identity: 258, namespace: NS, pod: 'echo-a-6d8', labels: ['k8s:name=echo-a'] },
  service: { namespace: NS, name: 'echo-a', address: '10.96.0.5:8080' },
  policy: { ref: `CiliumNetworkPolicy/${NS}/pod-to-a-allowed-cnp`, rule: 'spec.egress[0]', action: 'allow', ruleId: 305419896 },
  summary: 'TCP Flags: SYN',
};

const denied: Flow = {
  ...allowed,
  seq: '8',
  time: '2026-11-02T08:05:09.007Z',
  verdict: 'DROPPED',
  dropReason: 'policy-denied',
  source: { identity: 257, namespace: NS, pod: 'pod-to-a-denied-cnp-5f2' },
  policy: { ref: `CiliumNetworkPolicy/${NS}/pod-to-a-denied-cnp`, rule: '(default deny)', action: 'deny' },
};

describe('observe output', () => {
  it('writes compact lines as hubble observe does, with the service and the deciding policy', () => {
    assert.equal(
      compactFlowLine(allowed, { utc: true }),
      `Nov 29 18:00:00.123: ${NS}/pod-to-a-allowed-cnp-7c9:41234 (ID:256) -> ${NS}/echo-a-6d8:8080 (ID:258) via ${NS}/echo-a ` +
        `policy-verdict:EGRESS ALLOWED FORWARDED (TCP Flags: SYN) by CiliumNetworkPolicy/${NS}/pod-to-a-allowed-cnp (spec.egress[0])`,
    );
    assert.equal(
      compactFlowLine(denied, { utc: true, printNodeName: true }),
      `Nov  2 08:05:09.007 [n1]: ${NS}/pod-to-a-denied-cnp-5f2:41234 (ID:257) -> ${NS}/echo-a-6d8:8080 (ID:258) via ${NS}/echo-a ` +
        `policy-verdict:EGRESS DENIED DROPPED (policy-denied) by CiliumNetworkPolicy/${NS}/pod-to-a-denied-cnp (default deny)`,
    );
  });

  it('names reserved identities, leaves ports out without TCP/UDP, and shows the observation point without a policy', () => {
    const icmp: Flow = {
      ...allowed,
      l4: { protocol: 'ICMP', sourcePort: 3, destinationPort: 0 },
      summary: 'ICMP',
      ip: { source: '10.231.0.10', destination: '203.0.113.9' },
      destination: { identity: 2, reserved: 'world' },
      service: undefined,
      policy: undefined,
    };
    assert.equal(compactFlowLine(icmp, { utc: true }), `Nov 29 18:00:00.123: ${NS}/pod-to-a-allowed-cnp-7c9 (ID:256) -> 203.0.113.9 (world) from-pod FORWARDED (ICMP)`);
    const reply: Flow = { ...icmp, isReply: true, observation: 'to-pod', verdict: 'DROPPED', dropReason: 'unknown-endpoint' };
    assert.match(compactFlowLine(reply, { utc: true }), /\(world\) \(reply\) to-pod DROPPED \(unknown-endpoint\)$/);
  });

  it('makes table rows with a policy column', () => {
    assert.deepEqual(flowTableRow(denied, { utc: true }), [
      'Nov  2 08:05:09.007',
      'n1',
      `${NS}/pod-to-a-denied-cnp-5f2:41234 (ID:257)`,
      `${NS}/echo-a-6d8:8080 (ID:258) via ${NS}/echo-a`,
      'policy-verdict:EGRESS DENIED',
      'DROPPED',
      'policy-denied',
      `CiliumNetworkPolicy/${NS}/pod-to-a-denied-cnp (default deny)`,
    ]);
    assert.equal(formatFlowTime('not a time'), 'not a time');
  });
});

describe('observe flags', () => {
  const now = Date.parse('2026-11-29T18:00:00.000Z');

  it('defaults like hubble observe: the last 20, compact; --follow alone shows only new flows; --since shows all kept', () => {
    assert.deepEqual(planObserve({ follow: false, printNodeName: false }, now), { filter: {}, last: 20, follow: false, output: 'compact', printNodeName: false, waitMs: 2000 });
    assert.equal(planObserve({ follow: true, printNodeName: false }, now).last, 0);
    assert.equal(planObserve({ follow: true, last: '5', printNodeName: false }, now).last, 5);
    const since = planObserve({ follow: false, since: '5m', printNodeName: false }, now);
    assert.equal(since.last, Number.MAX_SAFE_INTEGER);
    assert.equal(since.filter.since, '2026-11-29T17:55:00.000Z');
  });

  it('turns flags into one filter, normalising case', () => {
    const plan = planObserve(
      { fromPod: `${NS}/pod-to-a`, toLabel: 'name=echo-a', port: '8080', protocol: 'tcp', verdict: 'dropped', dropReason: 'policy-denied', service: `${NS}/echo-a`, output: 'json', follow: false, printNodeName: false },
      now,
    );
    assert.deepEqual(plan.filter, { fromPod: `${NS}/pod-to-a`, toLabel: 'name=echo-a', port: 8080, protocol: 'TCP', verdict: 'DROPPED', dropReason: 'policy-denied', service: `${NS}/echo-a` });
    assert.equal(plan.output, 'json');
  });

  it('names the flag it cannot read', () => {
    const cases: Array<[Record<string, string>, RegExp]> = [
      [{ output: 'yaml' }, /^-o yaml/],
      [{ port: 'http' }, /^--port http/],
      [{ last: '-1' }, /^--last -1/],
      [{ verdict: 'ALLOWED' }, /^--verdict ALLOWED/],
      [{ fromIp: '10.0.0.0/40' }, /^--from-ip 10.0.0.0\/40/],
      [{ since: 'yesterday' }, /^--since yesterday/],
      [{ toPod: 'a/b/c' }, /^--to-pod a\/b\/c/],
    ];
    for (const [flags, message] of cases) {
      assert.throws(() => planObserve({ follow: false, printNodeName: false, ...flags }, now), (e: unknown) => e instanceof UsageError && message.test(e.message), JSON.stringify(flags));
    }
    assert.equal(parseSince('2026-11-29T17:00:00Z', now), '2026-11-29T17:00:00.000Z');
    assert.equal(parseSince('1.5h', now), '2026-11-29T16:30:00.000Z');
  });
});
