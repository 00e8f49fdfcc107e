// Privileged: real traffic through the datapath programs between hand-built netns "pods"
// (root, netns, veth, tc, bpffs, clang). Skips with the missing capability otherwise.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  ENDPOINT_FLAGS,
  IP_PROTOCOL,
  IPCACHE_FLAGS,
  POLICY_FLAGS,
  POLICY_PREFIX,
  SERVICE_FLAGS,
  attachEndpointPrograms,
  loadDatapathPrograms,
  openDatapathTelemetry,
  openPinnedDatapathMaps,
  writeNodeConfig,
  type DatapathTelemetry,
  type PinnedDatapathMaps,
} from '../src/index.js';
import { labUnavailable, NetLab, type LabPod } from './programs/net-lab.js';

const CLIENT_ID = 1001;
const SERVER_ID = 1002;
const ALLOW_RULE = 0xa110;
const DENY_RULE = 0xde11;

const skip = labUnavailable();

describe('datapath programs: real traffic (privileged)', { skip }, () => {
  let lab: NetLab;
  let maps: PinnedDatapathMaps;
  let telemetry: DatapathTelemetry;
  let client: LabPod;
  let b1: LabPod;
  let b2: LabPod;
  let b3: LabPod;
  let vip: string;

  before(async () => {
    lab = new NetLab();
    vip = `10.96.${lab.octet}.10`;
    const objectPath = lab.buildObject();
    loadDatapathPrograms({ pinDir: lab.pinDir, objectPath });
    maps = openPinnedDatapathMaps({ pinDir: lab.pinDir });
    writeNodeConfig(lab.pinDir, { nodeAddresses: [lab.routerIp] });
    client = lab.addPod('client', 10);
    b1 = lab.addPod('b1', 21);
    b2 = lab.addPod('b2', 22);
    b3 = lab.addPod('b3', 23);
    for (const [i, pod] of [client, b1, b2, b3].entries()) {
      const identity = pod === client ? CLIENT_ID : SERVER_ID;
      maps.endpoints.update([{ key: { ip: pod.ip }, value: { endpointId: i + 1, identity, ifindex: pod.ifindex, flags: 0 } }]);
      maps.ipcache.update([{ key: { ip: pod.ip, prefixLength: 32 }, value: { identity, tunnelEndpoint: '0.0.0.0', flags: IPCACHE_FLAGS.local } }]);
      maps.policy(i + 1);
      attachEndpointPrograms(pod.hostIf, lab.pinDir);
    }
    await Promise.all([b1, b2, b3].map((b) => lab.serve(b, [8080, 8081], [5353])));
    telemetry = openDatapathTelemetry(lab.pinDir);
  });

  after(() => {
    telemetry?.close();
    maps?.close();
    lab?.cleanup();
  });

  function setEndpointFlags(pod: LabPod, endpointId: number, identity: number, flags: number): void {
    maps.endpoints.update([{ key: { ip: pod.ip }, value: { endpointId, identity, ifindex: pod.ifindex, flags } }]);
  }

  function counter(reason: string, direction: 'ingress' | 'egress'): bigint {
    return telemetry.readCounters().find((c) => c.reason === reason && c.direction === direction)?.packets ?? 0n;
  }

  test('pods connect directly over TCP and UDP; new connections are FORWARDED flow records', () => {
    const head = telemetry.headSeq();
    const [tcp] = lab.probe(client, 'tcp', b1.ip, 8080);
    assert.equal(tcp?.result, 'connected');
    assert.equal(tcp?.reply, 'b1 hi');
    const [udp] = lab.probe(client, 'udp', b2.ip, 5353);
    assert.deepEqual([udp?.result, udp?.reply, udp?.from], ['connected', 'b2 hi', `${b2.ip}:5353`]);
    const flows = telemetry.readFlows(head);
    const out = flows.find((f) => f.observation === 'from-pod' && f.protocol === 'TCP' && f.dstIp === b1.ip && f.dstPort === 8080);
    assert.ok(out, 'a from-pod record of the new connection');
    assert.deepEqual([out.verdict, out.direction, out.srcIdentity, out.dstIdentity, out.endpointId], ['FORWARDED', 'egress', CLIENT_ID, SERVER_ID, 1]);
    const inbound = flows.find((f) => f.observation === 'to-pod' && f.protocol === 'UDP' && f.dstIp === b2.ip);
    assert.ok(inbound, 'a to-pod record of the UDP flow');
    assert.deepEqual([inbound.verdict, inbound.direction, inbound.srcIdentity, inbound.endpointId], ['FORWARDED', 'ingress', CLIENT_ID, 3]);
    // Replies and later packets of the same connection are not records.
    assert.equal(flows.filter((f) => f.observation === 'from-pod' && f.srcIp === b1.ip).length, 0);
  });

  test('egress policy: an allow rule admits its port, the default denies the rest (policy-denied)', () => {
    const policy = maps.policy(1);
    policy.update([
      { key: { direction: 'egress', identity: 0, protocol: 0, port: 0, prefixLength: POLICY_PREFIX.direction }, value: { action: 'deny', flags: POLICY_FLAGS.default, ruleId: 0 } },
      { key: { direction: 'egress', identity: SERVER_ID, protocol: IP_PROTOCOL.TCP, port: 8080, prefixLength: POLICY_PREFIX.full }, value: { action: 'allow', flags: 0, ruleId: ALLOW_RULE } },
    ]);
    setEndpointFlags(client, 1, CLIENT_ID, ENDPOINT_FLAGS.egressEnforced);
    try {
      const denied = counter('policy-denied', 'egress');
      const head = telemetry.headSeq();
      assert.equal(lab.probe(client, 'tcp', b2.ip, 8080)[0]?.result, 'connected');
      assert.equal(lab.probe(client, 'tcp', b2.ip, 8081, 1, 800)[0]?.result, 'timed-out');
      assert.ok(counter('policy-denied', 'egress') > denied, 'policy-denied counted');
      const flows = telemetry.readFlows(head);
      const allowed = flows.find((f) => f.verdict === 'FORWARDED' && f.dstPort === 8080 && f.observation === 'from-pod');
      assert.equal(allowed?.ruleId, ALLOW_RULE);
      const drop = flows.find((f) => f.verdict === 'DROPPED' && f.dstPort === 8081);
      assert.deepEqual([drop?.dropReason, drop?.ruleId, drop?.direction, drop?.dstIdentity], ['policy-denied', 0, 'egress', SERVER_ID]);
    } finally {
      setEndpointFlags(client, 1, CLIENT_ID, 0);
      policy.delete(policy.dump().map((e) => e.key));
    }
  });

  test('ingress policy: an explicit deny rule wins over an allow of any identity (policy-deny-rule with its rule id)', () => {
    const policy = maps.policy(2);
    policy.update([
      { key: { direction: 'ingress', identity: 0, protocol: IP_PROTOCOL.TCP, port: 0, prefixLength: POLICY_PREFIX.protocol }, value: { action: 'allow', flags: 0, ruleId: ALLOW_RULE } },
      { key: { direction: 'ingress', identity: CLIENT_ID, protocol: IP_PROTOCOL.TCP, port: 8081, prefixLength: POLICY_PREFIX.full }, value: { action: 'deny', flags: 0, ruleId: DENY_RULE } },
    ]);
    setEndpointFlags(b1, 2, SERVER_ID, ENDPOINT_FLAGS.ingressEnforced);
    try {
      const head = telemetry.headSeq();
      const before = counter('policy-deny-rule', 'ingress');
      assert.equal(lab.probe(client, 'tcp', b1.ip, 8080)[0]?.result, 'connected');
      assert.equal(lab.probe(client, 'tcp', b1.ip, 8081, 1, 800)[0]?.result, 'timed-out');
      assert.ok(counter('policy-deny-rule', 'ingress') > before);
      const drop = telemetry.readFlows(head).find((f) => f.verdict === 'DROPPED');
      assert.deepEqual([drop?.observation, drop?.dropReason, drop?.ruleId, drop?.srcIdentity], ['to-pod', 'policy-deny-rule', DENY_RULE, CLIENT_ID]);
      // The node itself is always let in (allow-localhost), policy or not.
      assert.equal(lab.probe(undefined, 'tcp', b1.ip, 8081)[0]?.result, 'connected');
    } finally {
      setEndpointFlags(b1, 2, SERVER_ID, 0);
      policy.delete(policy.dump().map((e) => e.key));
    }
  });

  test('an L3 deny rule drops every port of the peer (policy-deny-rule, its rule id in the flow record)', () => {
    const policy = maps.policy(3);
    policy.update([
      { key: { direction: 'ingress', identity: CLIENT_ID, protocol: 0, port: 0, prefixLength: POLICY_PREFIX.identity }, value: { action: 'deny', flags: 0, ruleId: DENY_RULE + 1 } },
    ]);
    setEndpointFlags(b2, 3, SERVER_ID, ENDPOINT_FLAGS.ingressEnforced);
    try {
      const head = telemetry.headSeq();
      assert.equal(lab.probe(client, 'udp', b2.ip, 5353, 1, 800)[0]?.result, 'timed-out');
      const drop = telemetry.readFlows(head).find((f) => f.verdict === 'DROPPED' && f.dstIp === b2.ip);
      assert.deepEqual([drop?.protocol, drop?.dropReason, drop?.ruleId, drop?.endpointId], ['UDP', 'policy-deny-rule', DENY_RULE + 1, 3]);
    } finally {
      setEndpointFlags(b2, 3, SERVER_ID, 0);
      policy.delete(policy.dump().map((e) => e.key));
    }
    assert.equal(lab.probe(client, 'udp', b2.ip, 5353)[0]?.result, 'connected', 'the next connection after the deny is gone connects');
  });

  function frontend(address: string, port: number, protocol: number, backends: readonly number[], revNatIndex: number, flags: number, affinityTimeout = 0): void {
    maps.lb4RevNat.update([{ key: { revNatIndex }, value: { address, port } }]);
    maps.lb4Services.update([
      ...backends.map((backendId, i) => ({ key: { address, port, protocol, slot: i + 1 }, value: { backendId, count: 0, revNatIndex, flags: 0 } })),
      { key: { address, port, protocol, slot: 0 }, value: { backendId: affinityTimeout, count: backends.length, revNatIndex, flags } },
    ]);
  }

  function backends(protocol: number, port: number, base: number): void {
    maps.lb4Backends.update([b1, b2, b3].map((b, i) => ({ key: { backendId: base + i }, value: { address: b.ip, port, protocol, state: 'active' as const } })));
  }

  test('ClusterIP: TCP and UDP are translated to a backend and replies come back from the VIP', () => {
    backends(IP_PROTOCOL.TCP, 8080, 11);
    backends(IP_PROTOCOL.UDP, 5353, 21);
    frontend(vip, 80, IP_PROTOCOL.TCP, [11], 1, SERVICE_FLAGS.clusterIP);
    frontend(vip, 53, IP_PROTOCOL.UDP, [22], 2, SERVICE_FLAGS.clusterIP);
    const head = telemetry.headSeq();
    const [tcp] = lab.probe(client, 'tcp', vip, 80);
    assert.deepEqual([tcp?.result, tcp?.reply], ['connected', 'b1 hi']);
    const udp = lab.probe(client, 'udp', vip, 53, 2);
    assert.deepEqual(
      udp.map((u) => [u.result, u.reply, u.from]),
      [
        ['connected', 'b2 hi', `${vip}:53`],
        ['connected', 'b2 hi', `${vip}:53`],
      ],
    );
    const translated = telemetry.readFlows(head).find((f) => f.observation === 'from-pod' && f.protocol === 'TCP');
    assert.deepEqual([translated?.serviceIp, translated?.servicePort, translated?.dstIp, translated?.dstPort], [vip, 80, b1.ip, 8080]);
  });

  test('NodePort: a node address and the port reach a backend', () => {
    frontend('0.0.0.0', 30080, IP_PROTOCOL.TCP, [12], 3, SERVICE_FLAGS.nodePort);
    const [r] = lab.probe(client, 'tcp', lab.routerIp, 30080);
    assert.deepEqual([r?.result, r?.reply], ['connected', 'b2 hi']);
  });

  test('a frontend without backends drops no-service-backend', () => {
    frontend(vip, 81, IP_PROTOCOL.TCP, [], 4, SERVICE_FLAGS.clusterIP);
    const before = counter('no-service-backend', 'egress');
    assert.equal(lab.probe(client, 'tcp', vip, 81, 1, 800)[0]?.result, 'timed-out');
    assert.ok(counter('no-service-backend', 'egress') > before);
  });

  test('new connections spread over three backends; with session affinity they stick to one', () => {
    frontend(vip, 82, IP_PROTOCOL.TCP, [11, 12, 13], 5, SERVICE_FLAGS.clusterIP);
    const spread = new Set(lab.probe(client, 'tcp', vip, 82, 30).map((r) => r.reply));
    assert.deepEqual([...spread].sort(), ['b1 hi', 'b2 hi', 'b3 hi']);
    frontend(vip, 83, IP_PROTOCOL.TCP, [11, 12, 13], 6, SERVICE_FLAGS.clusterIP | SERVICE_FLAGS.affinity, 60);
    const sticky = new Set(lab.probe(client, 'tcp', vip, 83, 12).map((r) => r.reply));
    assert.equal(sticky.size, 1, `one backend, got ${[...sticky].join(', ')}`);
  });

  test('removing a backend keeps established connections to the others and takes no new ones', async () => {
    backends(IP_PROTOCOL.TCP, 8081, 31);
    frontend(vip, 84, IP_PROTOCOL.TCP, [31, 32, 33], 7, SERVICE_FLAGS.clusterIP);
    const held = await lab.hold(client, vip, 84, 12);
    try {
      assert.ok(held.first.every((r) => r.result === 'connected'));
      const served = held.first.map((r) => r.reply?.split(' ')[0]);
      assert.ok(served.includes('b3'), `some connections on b3 (${served.join(',')})`);
      // As the agent shrinks a frontend: the master's smaller count, the slot, then the backend.
      maps.lb4Services.update([{ key: { address: vip, port: 84, protocol: IP_PROTOCOL.TCP, slot: 0 }, value: { backendId: 0, count: 2, revNatIndex: 7, flags: SERVICE_FLAGS.clusterIP } }]);
      maps.lb4Services.delete([{ address: vip, port: 84, protocol: IP_PROTOCOL.TCP, slot: 3 }]);
      maps.lb4Backends.delete([{ backendId: 33 }]);
      const second = await held.next();
      served.forEach((b, i) => {
        if (b !== 'b3') assert.deepEqual([second[i]?.result, second[i]?.reply], ['connected', `${b} round2`], `connection ${i} to ${b}`);
      });
      const fresh = new Set(lab.probe(client, 'tcp', vip, 84, 15).map((r) => r.reply));
      assert.ok(!fresh.has('b3 hi'), 'no new connection to the removed backend');
    } finally {
      held.close();
    }
  });

  test('counters and flow records: drops always recorded, reads after a seq return only newer records', () => {
    const head = telemetry.headSeq();
    assert.ok(head > 0n);
    const all = telemetry.readFlows();
    assert.ok(all.length > 0 && all.every((f, i) => i === 0 || f.seq > all[i - 1]!.seq), 'oldest first');
    assert.deepEqual(telemetry.readFlows(head), []);
    const counters = telemetry.readCounters();
    assert.ok(counters.some((c) => c.verdict === 'FORWARDED' && c.reason === 'none' && c.packets > 0n && c.bytes > 0n));
    assert.ok(counters.every((c) => c.packets > 0n));
  });

  test('flow records are rate-limited by the configured rate; the rest are counted as suppressed', () => {
    writeNodeConfig(lab.pinDir, { nodeAddresses: [lab.routerIp], flowEventsPerSecond: 10 });
    try {
      const head = telemetry.headSeq();
      const suppressed = telemetry.suppressedFlows();
      // 20 connections are 40 new-connection records (from-pod and to-pod); 10/s admits one per 100 ms.
      assert.ok(lab.probe(client, 'tcp', b1.ip, 8080, 20).every((r) => r.result === 'connected'));
      assert.ok(telemetry.readFlows(head).length < 40);
      assert.ok(telemetry.suppressedFlows() > suppressed);
    } finally {
      writeNodeConfig(lab.pinDir, { nodeAddresses: [lab.routerIp] });
    }
  });
});
