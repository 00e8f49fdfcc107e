import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PolicyObject } from '@netledger/k8s';
import { parsePolicy } from '@netledger/policy-engine';
import { ObservedPolicies } from '../src/observed-policies.js';
import { policyCidrs } from '../src/policy-cidrs.js';

function cidrsOf(policy: unknown): string[] {
  const parsed = parsePolicy(policy);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return policyCidrs(parsed.policy);
}

describe('policyCidrs', () => {
  it('collects ipBlock cidrs and excepts, normalized, from ingress and egress', () => {
    const cidrs = cidrsOf({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'p', namespace: 'a' },
      spec: {
        podSelector: {},
        policyTypes: ['Ingress', 'Egress'],
        ingress: [{ from: [{ ipBlock: { cidr: '10.1.2.3/8', except: ['10.9.0.0/16', '10.1.0.0/16'] } }, { podSelector: {} }] }],
        egress: [{ to: [{ ipBlock: { cidr: '2001:DB8::/32' } }, { ipBlock: { cidr: '10.0.0.0/8' } }] }],
      },
    });
    assert.deepEqual(cidrs, ['10.0.0.0/8', '10.1.0.0/16', '10.9.0.0/16', '2001:db8::/32']);
  });

  it('collects fromCIDR/toCIDR and CIDR sets of every spec, deny rules too, and leaves out the world prefixes', () => {
    const cidrs = cidrsOf({
      apiVersion: 'cilium.io/v2',
      kind: 'CiliumNetworkPolicy',
      metadata: { name: 'p', namespace: 'a' },
      specs: [
        { endpointSelector: {}, ingress: [{ fromCIDR: ['192.168.0.1'] }], egressDeny: [{ toCIDR: ['172.16.0.0/12'] }] },
        { endpointSelector: {}, egress: [{ toCIDRSet: [{ cidr: '8.8.8.0/24', except: ['8.8.8.8/32'] }, { cidr: '0.0.0.0/0' }, { cidr: '::/0' }] }] },
      ],
    });
    assert.deepEqual(cidrs, ['172.16.0.0/12', '192.168.0.1/32', '8.8.8.0/24', '8.8.8.8/32']);
  });

  it('is empty for a policy without CIDR peers', () => {
    const cidrs = cidrsOf({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'p', namespace: 'a' },
      spec: { podSelector: {}, ingress: [{ from: [{ podSelector: {} }] }] },
    });
    assert.deepEqual(cidrs, []);
  });
});

describe('ObservedPolicies', () => {
  const object = (cidr: string, rv: string): PolicyObject => ({
    metadata: { name: 'p', namespace: 'a', uid: 'u1', resourceVersion: rv },
    spec: { endpointSelector: {}, egress: [{ toCIDR: [cidr] }] },
  });

  it('reads a listed object without kind or apiVersion, keeps the last valid reading over an invalid one, and empties on delete', () => {
    const observed = new ObservedPolicies();
    const first = observed.onPolicy('CiliumNetworkPolicy', { type: 'upsert', object: object('10.0.0.0/8', '1') });
    assert.equal(first.kind, 'change');
    if (first.kind !== 'change') return;
    assert.equal(first.change.stream, 'cidr-references/CiliumNetworkPolicy/a/p');
    assert.deepEqual(first.change.cidrs, ['10.0.0.0/8']);
    assert.deepEqual(first.change.cause, { kind: 'kubernetes', objectKind: 'CiliumNetworkPolicy', namespace: 'a', name: 'p', uid: 'u1', resourceVersion: '1' });

    const invalid = observed.onPolicy('CiliumNetworkPolicy', { type: 'upsert', object: object('nope', '2') });
    assert.equal(invalid.kind, 'invalid');
    assert.match(invalid.kind === 'invalid' ? invalid.problem : '', /toCIDR\[0\]/);
    assert.ok(observed.isListed('cidr-references/CiliumNetworkPolicy/a/p'));
    assert.deepEqual([...observed.current()].map((c) => c.cidrs), [['10.0.0.0/8']]);

    const gone = observed.onPolicy('CiliumNetworkPolicy', { type: 'delete', object: object('nope', '3') });
    assert.deepEqual(gone.kind === 'change' ? gone.change.cidrs : undefined, []);
    assert.ok(!observed.isListed('cidr-references/CiliumNetworkPolicy/a/p'));
  });

  it('keys a cluster-wide policy without a namespace', () => {
    const observed = new ObservedPolicies();
    const seen = observed.onPolicy('CiliumClusterwideNetworkPolicy', {
      type: 'upsert',
      object: { metadata: { name: 'corp', uid: 'u2', resourceVersion: '1' }, spec: { endpointSelector: {}, ingress: [{ fromCIDR: ['10.0.0.0/8'] }] } },
    });
    assert.equal(seen.kind === 'change' ? seen.change.stream : undefined, 'cidr-references/CiliumClusterwideNetworkPolicy/corp');
    assert.equal(seen.kind === 'change' ? seen.change.namespace : undefined, null);
  });
});
