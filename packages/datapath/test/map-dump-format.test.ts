import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  formatEndpointList,
  formatIpcacheList,
  formatLbList,
  formatPolicyList,
  lbListRows,
  MemoryDatapathMaps,
  policyListRows,
  type DatapathMaps,
} from '../src/index.js';

function fixture(): DatapathMaps {
  const maps = new MemoryDatapathMaps();
  maps.ipcache.update([
    { key: { ip: 'fd00::7', prefixLength: 128 }, value: { identity: 300, tunnelEndpoint: '0.0.0.0', flags: 1 } },
    { key: { ip: '10.200.0.10', prefixLength: 32 }, value: { identity: 300, tunnelEndpoint: '0.0.0.0', flags: 1 } },
    { key: { ip: '10.200.0.9', prefixLength: 32 }, value: { identity: 301, tunnelEndpoint: '192.168.1.2', flags: 0 } },
    { key: { ip: '192.0.2.0', prefixLength: 24 }, value: { identity: 16777217, tunnelEndpoint: '0.0.0.0', flags: 2 } },
  ]);
  maps.endpoints.update([
    { key: { ip: '10.200.0.10' }, value: { endpointId: 12, identity: 300, ifindex: 0, flags: 3 } },
    { key: { ip: '10.200.0.11' }, value: { endpointId: 4, identity: 302, ifindex: 9, flags: 1 } },
  ]);
  maps.policy(12).update([
    { key: { direction: 'egress', identity: 0, protocol: 17, port: 53, prefixLength: 96 }, value: { action: 'allow', flags: 0, ruleId: 0xabc } },
    { key: { direction: 'ingress', identity: 301, protocol: 6, port: 8080, prefixLength: 93 }, value: { action: 'allow', flags: 0, ruleId: 0x5b44370b } },
    { key: { direction: 'ingress', identity: 0, protocol: 0, port: 0, prefixLength: 8 }, value: { action: 'deny', flags: 1, ruleId: 0 } },
    { key: { direction: 'ingress', identity: 302, protocol: 0, port: 0, prefixLength: 64 }, value: { action: 'deny', flags: 0, ruleId: 7 } },
    { key: { direction: 'ingress', identity: 301, protocol: 6, port: 0, prefixLength: 80 }, value: { action: 'allow', flags: 0, ruleId: 8 } },
  ]);
  maps.lb4Services.update([
    { key: { address: '10.96.0.10', port: 80, protocol: 6, slot: 2 }, value: { backendId: 22, count: 0, revNatIndex: 5, flags: 0 } },
    { key: { address: '10.96.0.10', port: 80, protocol: 6, slot: 0 }, value: { backendId: 0, count: 2, revNatIndex: 5, flags: 1 } },
    { key: { address: '10.96.0.10', port: 80, protocol: 6, slot: 1 }, value: { backendId: 21, count: 0, revNatIndex: 5, flags: 0 } },
    { key: { address: '0.0.0.0', port: 30080, protocol: 6, slot: 0 }, value: { backendId: 10800, count: 1, revNatIndex: 6, flags: 0x12 } },
    { key: { address: '0.0.0.0', port: 30080, protocol: 6, slot: 1 }, value: { backendId: 23, count: 0, revNatIndex: 6, flags: 0 } },
  ]);
  maps.lb4Backends.update([
    { key: { backendId: 21 }, value: { address: '10.200.0.10', port: 8080, protocol: 6, state: 'active' } },
    { key: { backendId: 22 }, value: { address: '10.200.0.9', port: 8080, protocol: 6, state: 'terminating' } },
  ]);
  return maps;
}

describe('map dumps as the CLI prints them', () => {
  test('ipcache: sorted by family, address (numerically), prefix', () => {
    assert.equal(
      formatIpcacheList(fixture().ipcache.dump()),
      [
        'IP PREFIX/ADDRESS   IDENTITY   FLAGS   TUNNEL ENDPOINT',
        '10.200.0.9/32       301        -       192.168.1.2',
        '10.200.0.10/32      300        local   0.0.0.0',
        '192.0.2.0/24        16777217   cidr    0.0.0.0',
        'fd00::7/128         300        local   0.0.0.0',
      ].join('\n'),
    );
  });

  test('policy: defaults first, port blocks as ranges, ANY for identity 0 and wildcards', () => {
    const entries = fixture().policy(12).dump();
    assert.equal(
      formatPolicyList(entries),
      [
        'ACTION   DIRECTION   IDENTITY   PORT/PROTO      RULE',
        'Deny     Ingress     ANY        ANY             default',
        'Allow    Ingress     301        ANY/TCP         0x00000008',
        'Allow    Ingress     301        8080-8087/TCP   0x5b44370b',
        'Deny     Ingress     302        ANY             0x00000007',
        'Allow    Egress      ANY        53/UDP          0x00000abc',
      ].join('\n'),
    );
    assert.deepEqual(policyListRows(entries)[2], {
      action: 'allow',
      direction: 'ingress',
      identity: 301,
      protocol: 'TCP',
      ports: { from: 8080, to: 8087 },
      prefixLength: 93,
      default: false,
      ruleId: 0x5b44370b,
    });
  });

  test('lb: master entry then slots, like cilium bpf lb list', () => {
    const maps = fixture();
    assert.equal(
      formatLbList(maps.lb4Services.dump(), maps.lb4Backends.dump()),
      [
        'SERVICE ADDRESS     BACKEND ADDRESS (REVNAT_ID) (SLOT)',
        '0.0.0.0:30080/TCP   0.0.0.0:0 (6) (0) [NodePort, sessionAffinity=10800s]',
        '0.0.0.0:30080/TCP   backend 23 missing (6) (1)',
        '10.96.0.10:80/TCP   0.0.0.0:0 (5) (0) [ClusterIP]',
        '10.96.0.10:80/TCP   10.200.0.10:8080/TCP (5) (1)',
        '10.96.0.10:80/TCP   10.200.0.9:8080/TCP (5) (2) [terminating]',
      ].join('\n'),
    );
    const rows = lbListRows(maps.lb4Services.dump(), maps.lb4Backends.dump());
    assert.deepEqual(rows[1]!.master, { revNatIndex: 5, count: 2, flags: ['ClusterIP'], affinityTimeout: 0 });
  });

  test('endpoints: by id, with their policy map', () => {
    assert.equal(
      formatEndpointList(fixture().endpoints.dump(), [12]),
      [
        'ENDPOINT ID   ADDRESS       IDENTITY   IFINDEX   ENFORCED         POLICY MAP',
        '4             10.200.0.11   302        9         ingress          nl_policy_4 (not pinned)',
        '12            10.200.0.10   300        0         ingress,egress   nl_policy_12',
      ].join('\n'),
    );
  });
});
