import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Flow } from '../src/flows/flow.js';
import { FlowFilterError, matchesFlowFilter, parseFlowFilter, type FlowFilter } from '../src/flows/flow-filter.js';

const NS = 'connectivity-check';

function flow(fields: Partial<Flow> = {}): Flow {
  return {
    seq: '1',
    time: '2026-11-29T18:00:00.123Z',
    node: 'n1',
    verdict: 'FORWARDED',
    observation: 'from-pod',
    direction: 'egress',
    isReply: false,
    ip: { source: '10.231.0.10', destination: '10.231.0.20' },
    l4: { protocol: 'TCP', sourcePort: 41234, destinationPort: 8080, tcpFlags: ['SYN'] },
    source: { identity: 256, namespace: NS, pod: 'pod-to-a-7c9', labels: [`k8s:io.kubernetes.pod.namespace=${NS}`, 'k8s:name=pod-to-a'] },
    destination: { identity: 258, namespace: NS, pod: 'echo-a-6d8', labels: [`k8s:io.kubernetes.pod.namespace=${NS}`, 'k8s:name=echo-a'] },
    service: { namespace: NS, name: 'echo-a', address: '10.96.0.5:8080' },
    summary: 'TCP Flags: SYN',
    ...fields,
  };
}

const dropped = flow({
  seq: '2',
  verdict: 'DROPPED',
  dropReason: 'policy-denied',
  ip: { source: '10.231.0.11', destination: '198.51.100.10' },
  l4: { protocol: 'UDP', sourcePort: 5000, destinationPort: 53 },
  source: { identity: 257, namespace: 'other', pod: 'client-1', labels: ['k8s:io.kubernetes.pod.namespace=other', 'k8s:app=client'] },
  destination: { identity: 2, reserved: 'world', labels: ['reserved:world'] },
  service: undefined,
  node: 'n2',
  time: '2026-11-29T18:00:05.000Z',
});

function passes(filter: FlowFilter): string[] {
  return [flow(), dropped].filter((f) => matchesFlowFilter(f, filter)).map((f) => f.seq);
}

describe('matchesFlowFilter', () => {
  it('matches everything with an empty filter', () => {
    assert.deepEqual(passes({}), ['1', '2']);
  });

  it('matches pods by [namespace/]name prefix, on one side or either', () => {
    assert.deepEqual(passes({ fromPod: `${NS}/pod-to-a` }), ['1']);
    assert.deepEqual(passes({ fromPod: 'pod-to-a' }), ['1'], 'no namespace: any namespace');
    assert.deepEqual(passes({ fromPod: 'other/pod-to-a' }), []);
    assert.deepEqual(passes({ toPod: `${NS}/echo-a` }), ['1']);
    assert.deepEqual(passes({ toPod: 'pod-to-a' }), []);
    assert.deepEqual(passes({ pod: 'echo-a' }), ['1']);
    assert.deepEqual(passes({ pod: 'client' }), ['2']);
    assert.deepEqual(passes({ namespace: 'other' }), ['2']);
    assert.deepEqual(passes({ namespace: NS }), ['1']);
  });

  it('matches label terms against either source of label, all terms at once', () => {
    assert.deepEqual(passes({ fromLabel: 'name=pod-to-a' }), ['1']);
    assert.deepEqual(passes({ fromLabel: 'k8s:name=pod-to-a' }), ['1']);
    assert.deepEqual(passes({ fromLabel: 'cidr:name=pod-to-a' }), []);
    assert.deepEqual(passes({ fromLabel: 'app' }), ['2']);
    assert.deepEqual(passes({ fromLabel: '!app' }), ['1']);
    assert.deepEqual(passes({ fromLabel: 'app!=client' }), ['1']);
    assert.deepEqual(passes({ toLabel: 'reserved:world' }), ['2']);
    assert.deepEqual(passes({ toLabel: `name=echo-a, io.kubernetes.pod.namespace=${NS}` }), ['1']);
    assert.deepEqual(passes({ toLabel: 'name=echo-a,name=echo-b' }), []);
  });

  it('matches addresses and CIDRs; a service address counts as the destination', () => {
    assert.deepEqual(passes({ fromIp: '10.231.0.10' }), ['1']);
    assert.deepEqual(passes({ fromIp: '10.231.0.0/24' }), ['1', '2']);
    assert.deepEqual(passes({ toIp: '198.51.100.0/24' }), ['2']);
    assert.deepEqual(passes({ toIp: '10.96.0.5' }), ['1']);
    assert.deepEqual(passes({ toIp: '0.0.0.0/0' }), ['1', '2']);
  });

  it('matches ports, protocol, verdict, drop reason, service, node and time', () => {
    assert.deepEqual(passes({ port: 8080 }), ['1']);
    assert.deepEqual(passes({ port: 5000 }), ['2']);
    assert.deepEqual(passes({ protocol: 'udp' }), ['2']);
    assert.deepEqual(passes({ verdict: 'DROPPED' }), ['2']);
    assert.deepEqual(passes({ verdict: 'FORWARDED', protocol: 'TCP' }), ['1']);
    assert.deepEqual(passes({ dropReason: 'policy-denied' }), ['2']);
    assert.deepEqual(passes({ service: `${NS}/echo-a` }), ['1']);
    assert.deepEqual(passes({ service: 'echo-a' }), ['1']);
    assert.deepEqual(passes({ service: 'x/echo-a' }), []);
    assert.deepEqual(passes({ node: 'n2' }), ['2']);
    assert.deepEqual(passes({ since: '2026-11-29T18:00:01Z' }), ['2']);
  });

  it('ANDs every field', () => {
    assert.deepEqual(passes({ pod: 'echo-a', verdict: 'DROPPED' }), []);
    assert.deepEqual(passes({ namespace: NS, port: 8080, verdict: 'FORWARDED', fromLabel: 'name=pod-to-a' }), ['1']);
  });
});

describe('parseFlowFilter', () => {
  it('takes what a query carries', () => {
    assert.deepEqual(parseFlowFilter({ fromPod: 'a/b', port: 80, verdict: 'DROPPED' }), { fromPod: 'a/b', port: 80, verdict: 'DROPPED' });
    assert.deepEqual(parseFlowFilter(undefined), {});
  });

  it('names the field it cannot read', () => {
    const cases: Array<[unknown, string]> = [
      [[], 'filter'],
      [{ port: 'http' }, 'port'],
      [{ port: 70000 }, 'port'],
      [{ colour: 'red' }, 'colour'],
      [{ fromPod: '' }, 'fromPod'],
      [{ fromPod: 'a/b/c' }, 'fromPod'],
      [{ verdict: 'ALLOWED' }, 'verdict'],
      [{ fromIp: '10.0.0.300' }, 'fromIp'],
      [{ toIp: '10.0.0.0/33' }, 'toIp'],
      [{ since: 'yesterday' }, 'since'],
      [{ fromLabel: '!a=b' }, 'fromLabel'],
      [{ toLabel: ',' }, 'toLabel'],
    ];
    for (const [value, field] of cases) {
      assert.throws(
        () => parseFlowFilter(value),
        (e: unknown) => e instanceof FlowFilterError && e.field === field && e.message.includes(field),
        JSON.stringify(value),
      );
    }
  });
});
