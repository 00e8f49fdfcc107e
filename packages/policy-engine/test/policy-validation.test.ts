import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { parsePolicy, type PolicyError } from '@netledger/policy-engine';

// Each bad input must be rejected with an error naming the object and the exact field.

function errorsOf(text: string): readonly PolicyError[] {
  const result = parsePolicy(parseYaml(text));
  assert.equal(result.ok, false, 'expected the policy to be rejected');
  return result.ok ? [] : result.errors;
}

function expectError(text: string, object: string, field: string, message: RegExp): void {
  const errors = errorsOf(text);
  const hit = errors.find((e) => e.field === field);
  assert.ok(hit, `no error for ${field}; got:\n${errors.map((e) => `${e.field}: ${e.message}`).join('\n')}`);
  assert.equal(hit.object, object);
  assert.match(hit.message, message);
}

const np = (spec: string, name = 'deny-all') => `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: ${name}, namespace: x }
spec:
${spec.replace(/^\n/, '').replace(/^ {2}/gm, '')}`;

const cnp = (spec: string, name = 'web') => `
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: { name: ${name}, namespace: x }
spec:
${spec.replace(/^\n/, '').replace(/^ {2}/gm, '')}`;

describe('parsePolicy validation: NetworkPolicy', () => {
  const NP = 'NetworkPolicy x/deny-all';

  it('rejects an invalid ipBlock CIDR at its exact path', () => {
    expectError(np(`
      podSelector: {}
      ingress:
        - from:
            - podSelector: {}
            - ipBlock: { cidr: 10.0.0.300/8 }
    `), NP, 'spec.ingress[0].from[1].ipBlock.cidr', /invalid address/);
    expectError(np(`
      podSelector: {}
      ingress:
        - from: [{ ipBlock: { cidr: 10.0.0.0 } }]
    `), NP, 'spec.ingress[0].from[0].ipBlock.cidr', /not a CIDR/);
    expectError(np(`
      podSelector: {}
      ingress:
        - from: [{ ipBlock: { cidr: 10.0.0.0/33 } }]
    `), NP, 'spec.ingress[0].from[0].ipBlock.cidr', /prefix length/);
  });

  it('rejects an except that is not strictly inside the cidr', () => {
    expectError(np(`
      podSelector: {}
      egress:
        - to: [{ ipBlock: { cidr: 10.0.0.0/16, except: [10.0.1.0/24, 10.1.0.0/24] } }]
    `), NP, 'spec.egress[0].to[0].ipBlock.except[1]', /not strictly inside cidr 10\.0\.0\.0\/16/);
    expectError(np(`
      podSelector: {}
      egress:
        - to: [{ ipBlock: { cidr: "fd00::/64", except: ["fd00::/64"] } }]
    `), NP, 'spec.egress[0].to[0].ipBlock.except[0]', /not strictly inside/);
    expectError(np(`
      podSelector: {}
      egress:
        - to: [{ ipBlock: { cidr: 10.0.0.0/8, except: ["fd00::/64"] } }]
    `), NP, 'spec.egress[0].to[0].ipBlock.except[0]', /not strictly inside/);
  });

  it('rejects unknown fields and names them', () => {
    expectError(np(`
      podSelector: {}
      ingress:
        - form: [{ podSelector: {} }]
    `), NP, 'spec.ingress[0].form', /unknown field "form"/);
    expectError(np(`
      podSelector: {}
      ingres: []
    `), NP, 'spec.ingres', /unknown field/);
    expectError(np(`
      podSelector: { matchLabel: { app: web } }
    `), NP, 'spec.podSelector.matchLabel', /unknown field/);
  });

  it('rejects invalid selectors and operators', () => {
    expectError(np(`
      podSelector:
        matchExpressions: [{ key: app, operator: Equals, values: [web] }]
    `), NP, 'spec.podSelector.matchExpressions[0].operator', /unknown operator "Equals"/);
    expectError(np(`
      podSelector:
        matchExpressions: [{ key: app, operator: In, values: [] }]
    `), NP, 'spec.podSelector.matchExpressions[0].values', /must not be empty for operator In/);
    expectError(np(`
      podSelector:
        matchExpressions: [{ key: app, operator: Exists, values: [web] }]
    `), NP, 'spec.podSelector.matchExpressions[0].values', /must be empty for operator Exists/);
    expectError(np(`
      podSelector: {}
      ingress:
        - from: [{ namespaceSelector: { matchLabels: { "bad key!": x } } }]
    `), NP, 'spec.ingress[0].from[0].namespaceSelector.matchLabels["bad key!"]', /label key "bad key!" is invalid/);
    expectError(np(`
      podSelector: { matchLabels: { replicas: 3 } }
    `), NP, 'spec.podSelector.matchLabels.replicas', /must be a string.*quote/);
    expectError(np(`
      podSelector: { matchLabels: { app: "-web" } }
    `), NP, 'spec.podSelector.matchLabels.app', /label value "-web" is invalid/);
  });

  it('rejects ports out of range, bad ranges and bad protocols', () => {
    expectError(np(`
      podSelector: {}
      ingress:
        - ports: [{ port: 70000 }]
    `), NP, 'spec.ingress[0].ports[0].port', /between 1 and 65535/);
    expectError(np(`
      podSelector: {}
      ingress:
        - ports: [{ port: 0 }]
    `), NP, 'spec.ingress[0].ports[0].port', /between 1 and 65535/);
    expectError(np(`
      podSelector: {}
      ingress:
        - ports: [{ port: 8080, endPort: 80 }]
    `), NP, 'spec.ingress[0].ports[0].endPort', /greater than or equal to port \(8080\)/);
    expectError(np(`
      podSelector: {}
      ingress:
        - ports: [{ port: http, endPort: 90 }]
    `), NP, 'spec.ingress[0].ports[0].endPort', /named port "http"/);
    expectError(np(`
      podSelector: {}
      ingress:
        - ports: [{ endPort: 90 }]
    `), NP, 'spec.ingress[0].ports[0].endPort', /requires port/);
    expectError(np(`
      podSelector: {}
      egress:
        - ports: [{ port: 53, protocol: DNS }]
    `), NP, 'spec.egress[0].ports[0].protocol', /unknown protocol "DNS"/);
    expectError(np(`
      podSelector: {}
      egress:
        - ports: [{ port: "53" }]
    `), NP, 'spec.egress[0].ports[0].port', /port number without quotes/);
    expectError(np(`
      podSelector: {}
      egress:
        - ports: [{ port: Not_A_Name }]
    `), NP, 'spec.egress[0].ports[0].port', /not a valid port name/);
  });

  it('rejects malformed peers', () => {
    expectError(np(`
      podSelector: {}
      ingress:
        - from: [{}]
    `), NP, 'spec.ingress[0].from[0]', /must specify podSelector, namespaceSelector or ipBlock/);
    expectError(np(`
      podSelector: {}
      ingress:
        - from: [{ podSelector: {}, ipBlock: { cidr: 10.0.0.0/8 } }]
    `), NP, 'spec.ingress[0].from[0].ipBlock', /cannot be combined/);
  });

  it('rejects bad policyTypes, a missing podSelector, and a wrong apiVersion', () => {
    expectError(np(`
      podSelector: {}
      policyTypes: [Ingress, Outgress]
    `), NP, 'spec.policyTypes[1]', /unknown policy type "Outgress"/);
    expectError(np(`
      podSelector: {}
      policyTypes: [Egress, Egress]
    `), NP, 'spec.policyTypes[1]', /duplicate/);
    expectError(np(`
      ingress: [{}]
    `), NP, 'spec.podSelector', /is required/);
    expectError(np('  podSelector: {}').replace('networking.k8s.io/v1', 'extensions/v1beta1'), NP, 'apiVersion', /must be networking\.k8s\.io\/v1/);
  });

  it('rejects unknown kinds and missing names, and reports every problem at once', () => {
    const [kind] = errorsOf('{ apiVersion: v1, kind: ConfigMap, metadata: { name: c } }');
    assert.equal(kind?.field, 'kind');
    assert.match(kind?.message ?? '', /unsupported kind "ConfigMap"/);
    expectError('{ apiVersion: networking.k8s.io/v1, kind: NetworkPolicy, metadata: { namespace: x }, spec: { podSelector: {} } }',
      'NetworkPolicy x/<unnamed>', 'metadata.name', /is required/);
    const many = errorsOf(np(`
      podSelector: { matchExpressions: [{ key: a, operator: Nope }] }
      ingress:
        - ports: [{ port: 0 }]
        - from: [{ ipBlock: { cidr: nonsense } }]
    `));
    assert.deepEqual(many.map((e) => e.field).sort(), [
      'spec.ingress[0].ports[0].port',
      'spec.ingress[1].from[0].ipBlock.cidr',
      'spec.podSelector.matchExpressions[0].operator',
    ]);
    assert.ok(many.every((e) => e.object === NP));
  });

  it('accepts a named port nobody declares', () => {
    const result = parsePolicy(parseYaml(np(`
      podSelector: {}
      ingress:
        - ports: [{ port: no-such-port }]
    `)));
    assert.equal(result.ok, true);
  });
});

describe('parsePolicy validation: Cilium policies', () => {
  const CNP = 'CiliumNetworkPolicy x/web';

  it('rejects L7 rules, saying they are not supported', () => {
    expectError(cnp(`
      endpointSelector: {}
      ingress:
        - toPorts:
            - ports: [{ port: "80", protocol: TCP }]
              rules: { http: [{ method: GET }] }
    `), CNP, 'spec.ingress[0].toPorts[0].rules', /L7 rules are not supported/);
    expectError(cnp(`
      endpointSelector: {}
      egress:
        - toFQDNs: [{ matchName: example.com }]
    `), CNP, 'spec.egress[0].toFQDNs', /not supported/);
  });

  it('rejects bad Cilium ports and protocols', () => {
    expectError(cnp(`
      endpointSelector: {}
      ingress:
        - toPorts: [{ ports: [{ port: "99999" }] }]
    `), CNP, 'spec.ingress[0].toPorts[0].ports[0].port', /between 1 and 65535/);
    expectError(cnp(`
      endpointSelector: {}
      ingress:
        - toPorts: [{ ports: [{ port: "80", protocol: ICMP }] }]
    `), CNP, 'spec.ingress[0].toPorts[0].ports[0].protocol', /ICMP is not supported/);
    expectError(cnp(`
      endpointSelector: {}
      ingress:
        - toPorts: [{ ports: [{ port: "80", protocol: tcp }] }]
    `), CNP, 'spec.ingress[0].toPorts[0].ports[0].protocol', /unknown protocol "tcp"/);
    expectError(cnp(`
      endpointSelector: {}
      ingress:
        - toPorts: [{ ports: [{ port: "443", endPort: 80 }] }]
    `), CNP, 'spec.ingress[0].toPorts[0].ports[0].endPort', /greater than or equal/);
  });

  it('rejects unknown entities, bad CIDRs and CIDR groups', () => {
    expectError(cnp(`
      endpointSelector: {}
      egress:
        - toEntities: [internet]
    `), CNP, 'spec.egress[0].toEntities[0]', /entity "internet" is unknown/);
    expectError(cnp(`
      endpointSelector: {}
      egress:
        - toEntities: [health]
    `), CNP, 'spec.egress[0].toEntities[0]', /entity "health" is not supported/);
    expectError(cnp(`
      endpointSelector: {}
      egress:
        - toCIDRSet: [{ cidr: 10.0.0.0/8, except: [11.0.0.0/16] }]
    `), CNP, 'spec.egress[0].toCIDRSet[0].except[0]', /not strictly inside/);
    expectError(cnp(`
      endpointSelector: {}
      ingress:
        - fromCIDR: ["10.0.0.0/8", "::g/64"]
    `), CNP, 'spec.ingress[0].fromCIDR[1]', /invalid address/);
    expectError(cnp(`
      endpointSelector: {}
      ingress:
        - fromCIDRSet: [{ cidrGroupRef: corp }]
    `), CNP, 'spec.ingress[0].fromCIDRSet[0].cidrGroupRef', /not supported/);
  });

  it('rejects a missing endpointSelector, another namespace in it, and nodeSelector', () => {
    expectError(cnp(`
      ingress: [{}]
    `), CNP, 'spec.endpointSelector', /is required/);
    expectError(cnp(`
      endpointSelector: { matchLabels: { "k8s:io.kubernetes.pod.namespace": y } }
    `), CNP, 'spec.endpointSelector', /only pods of its own namespace "x"/);
    expectError(cnp(`
      nodeSelector: {}
    `), CNP, 'spec.nodeSelector', /host policies/);
    expectError(cnp(`
      endpointSelector: { matchLabels: { "container:app": web } }
    `), CNP, 'spec.endpointSelector.matchLabels["container:app"]', /label source "container"/);
  });

  it('names the spec item in specs[] and the CCNP without a namespace', () => {
    expectError(`
apiVersion: cilium.io/v2
kind: CiliumClusterwideNetworkPolicy
metadata: { name: lockdown }
specs:
  - endpointSelector: {}
    ingress: [{}]
  - endpointSelector: {}
    egress:
      - toCIDRSet: [{ cidr: "2001:db8::/32", except: ["2001:db9::/48"] }]
`, 'CiliumClusterwideNetworkPolicy lockdown', 'specs[1].egress[0].toCIDRSet[0].except[0]', /not strictly inside/);
    expectError(`
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: { name: web, namespace: x }
`, CNP, 'spec', /is required/);
  });
});
