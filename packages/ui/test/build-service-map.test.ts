import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Pod, Service } from '@netledger/k8s';
import type { Flow } from '@netledger/node-agent';
import { buildServiceMap } from '../src/servicemap/build-service-map.js';

const NS = 'connectivity-check';

function pod(name: string, labels: Record<string, string>, owner?: { kind: string; name: string }, extra: Record<string, unknown> = {}): Pod {
  return {
    metadata: {
      name,
      namespace: NS,
      uid: `uid-${name}`,
      resourceVersion: '1',
      labels,
      ...(owner ? { ownerReferences: [{ apiVersion: 'apps/v1', kind: owner.kind, name: owner.name, uid: 'o', controller: true }] } : {}),
    },
    ...extra,
  } as Pod;
}

function service(name: string, selector: Record<string, string>, clusterIP: string): Service {
  return { metadata: { name, namespace: NS, uid: `uid-${name}`, resourceVersion: '1' }, spec: { clusterIP, selector, ports: [{ port: 8080, protocol: 'TCP' }] } };
}

let seq = 0;
function flow(over: Partial<Flow> & Pick<Flow, 'source' | 'destination'>): Flow {
  seq += 1;
  return {
    seq: String(seq),
    time: `2026-11-29T18:00:${String(seq).padStart(2, '0')}.000Z`,
    node: 'n1',
    verdict: 'FORWARDED',
    observation: 'from-pod',
    direction: 'egress',
    isReply: false,
    ip: { source: '10.0.0.1', destination: '10.0.0.2' },
    l4: { protocol: 'TCP', sourcePort: 40000 + seq, destinationPort: 8080, tcpFlags: ['SYN'] },
    summary: 'TCP Flags: SYN',
    ...over,
  };
}

const client = { identity: 300, namespace: NS, pod: 'client-abcde', labels: ['k8s:name=client'] };
const echoPod = { identity: 301, namespace: NS, pod: 'echo-a-xyz12', labels: ['k8s:name=echo-a'] };
const pods = [pod('client-abcde', { name: 'client' }, { kind: 'Deployment', name: 'client' }), pod('echo-a-xyz12', { name: 'echo-a' }, { kind: 'Deployment', name: 'echo-a' })];
const services = [service('echo-a', { name: 'echo-a' }, '10.96.0.2')];
const viaEchoA = { namespace: NS, name: 'echo-a', address: '10.96.0.2:8080' };

describe('buildServiceMap', () => {
  it('groups pods into workloads by controller, draws services and their backends', () => {
    const map = buildServiceMap({ pods, services, flows: [] });
    assert.deepEqual(
      map.nodes.map((n) => n.id),
      [`service:${NS}/echo-a`, `workload:${NS}/client`, `workload:${NS}/echo-a`],
    );
    assert.deepEqual(map.groups, [{ namespace: NS, title: NS, nodeIds: map.nodes.map((n) => n.id) }]);
    assert.deepEqual(
      map.edges.map((e) => [e.kind, e.source, e.target]),
      [['backend', `service:${NS}/echo-a`, `workload:${NS}/echo-a`]],
    );
    assert.deepEqual(map.nodes.find((n) => n.id === `workload:${NS}/client`)?.history, [`endpoint/${NS}/client-abcde`]);
    assert.deepEqual(map.nodes.find((n) => n.kind === 'service')?.history, [`service/${NS}/echo-a`]);
    assert.equal(map.window, null);
  });

  it('aggregates flows into edges with forwarded and dropped counts, ports, reasons and deciding policies', () => {
    const deny = { ref: `CiliumNetworkPolicy/${NS}/deny`, rule: '(default deny)', action: 'deny' as const };
    const flows = [
      flow({ source: client, destination: echoPod, service: viaEchoA }),
      flow({ source: client, destination: echoPod, service: viaEchoA, verdict: 'DROPPED', dropReason: 'policy-denied', policy: deny }),
      flow({ source: client, destination: echoPod, service: viaEchoA }),
      // A reply belongs to its connection: not an edge back.
      flow({ source: echoPod, destination: client, isReply: true }),
    ];
    const map = buildServiceMap({ pods, services, flows });
    const edge = map.edges.find((e) => e.kind === 'flow');
    assert.ok(edge);
    assert.equal(edge.source, `workload:${NS}/client`);
    assert.equal(edge.target, `service:${NS}/echo-a`);
    assert.equal(edge.forwarded, 2);
    assert.equal(edge.dropped, 1);
    assert.equal(edge.verdict, 'mixed');
    assert.deepEqual(edge.ports, ['TCP/8080']);
    assert.deepEqual(edge.dropReasons, ['policy-denied']);
    assert.deepEqual(edge.policies, [deny.ref]);
    assert.equal(map.edges.filter((e) => e.kind === 'flow').length, 1);
    assert.equal(map.flowCount, 3);
    assert.deepEqual(map.window, { from: flows[0]!.time, to: flows[2]!.time });
  });

  it('does not count a connection twice: the receiving pod saw what the sender recorded', () => {
    const flows = [
      flow({ source: client, destination: echoPod, service: viaEchoA }),
      flow({ source: client, destination: echoPod, observation: 'to-pod', direction: 'ingress' }),
      // The host's socket translation, then the same connection arriving at the pod.
      flow({ source: { identity: 1, reserved: 'host' }, destination: echoPod, service: viaEchoA, observation: 'host-socket', ip: { source: '0.0.0.0', destination: '10.0.0.2' } }),
      flow({ source: { identity: 1, reserved: 'host' }, destination: echoPod, observation: 'to-pod', direction: 'ingress', ip: { source: '10.0.0.254', destination: '10.0.0.2' } }),
    ];
    const map = buildServiceMap({ pods, services, flows });
    assert.deepEqual(
      map.edges.filter((e) => e.kind === 'flow').map((e) => [e.source, e.target, e.forwarded]),
      [
        ['external:host', `service:${NS}/echo-a`, 1],
        [`workload:${NS}/client`, `service:${NS}/echo-a`, 1],
      ],
    );
  });

  it('counts a drop where it happened, also at the receiving pod', () => {
    const flows = [
      flow({ source: client, destination: echoPod }),
      flow({ source: client, destination: echoPod, observation: 'to-pod', direction: 'ingress', verdict: 'DROPPED', dropReason: 'policy-denied' }),
    ];
    const map = buildServiceMap({ pods, services, flows });
    const edge = map.edges.find((e) => e.kind === 'flow');
    assert.deepEqual([edge?.target, edge?.forwarded, edge?.dropped, edge?.verdict], [`workload:${NS}/echo-a`, 1, 1, 'mixed']);
  });

  it('puts the world, the host and bare addresses outside the cluster, and keeps pods that are gone by their labels', () => {
    const gone = { identity: 302, namespace: NS, pod: 'old-client-q1w2e', labels: ['k8s:app=old-client'] };
    const flows = [
      flow({ source: client, destination: { identity: 16777217, labels: ['cidr:198.51.100.10/32'] }, ip: { source: '10.0.0.1', destination: '198.51.100.10' }, verdict: 'DROPPED', dropReason: 'policy-denied' }),
      flow({ source: gone, destination: { identity: 2, reserved: 'world' }, ip: { source: '10.0.0.9', destination: '8.8.8.8' } }),
    ];
    const map = buildServiceMap({ pods, services, flows });
    const outside = map.groups.at(-1);
    assert.equal(outside?.namespace, null);
    assert.deepEqual(outside?.nodeIds, ['external:ip/198.51.100.10', 'external:world']);
    assert.deepEqual(map.nodes.find((n) => n.id === 'external:ip/198.51.100.10')?.history, ['identity/16777217']);
    const old = map.nodes.find((n) => n.id === `workload:${NS}/old-client`);
    assert.deepEqual(old?.pods, ['old-client-q1w2e']);
    const dropped = map.edges.find((e) => e.target === 'external:ip/198.51.100.10');
    assert.equal(dropped?.verdict, 'dropped');
  });

  it('names a ReplicaSet pod by its Deployment, an unowned pod by its app label, and leaves host-network pods out', () => {
    const map = buildServiceMap({
      pods: [
        pod('web-5d8f7-abcde', { app: 'web', 'pod-template-hash': '5d8f7' }, { kind: 'ReplicaSet', name: 'web-5d8f7' }),
        pod('lonely', { 'app.kubernetes.io/name': 'db' }),
        pod('node-exporter', { app: 'exporter' }, undefined, { spec: { hostNetwork: true } }),
      ],
      services: [],
      flows: [],
    });
    assert.deepEqual(map.nodes.map((n) => n.id), [`workload:${NS}/db`, `workload:${NS}/web`]);
  });

  it('shows one namespace and the peers it talks to', () => {
    const other = { identity: 400, namespace: 'other', pod: 'peer-zzzzz', labels: ['k8s:app=peer'] };
    const flows = [flow({ source: other, destination: echoPod }), flow({ source: { identity: 401, namespace: 'third', pod: 'x', labels: [] }, destination: other })];
    const map = buildServiceMap({ pods, services, flows, namespace: 'other' });
    assert.deepEqual(map.nodes.map((n) => n.id).sort(), [`workload:${NS}/echo-a`, 'workload:other/peer', 'workload:third/x']);
    assert.equal(map.edges.length, 2);
  });
});
