// Privileged: loading, reloading, attaching and detaching the datapath programs, socket load
// balancing for host processes, node config and nl_policy_eps (root, netns, veth, tc, bpffs,
// cgroup v2, clang). Skips with the missing capability otherwise.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import {
  IP_PROTOCOL,
  IPCACHE_FLAGS,
  INTERNAL_MAP_NAMES,
  SERVICE_FLAGS,
  attachEndpointPrograms,
  attachHostPrograms,
  detachEndpointPrograms,
  detachHostPrograms,
  findCgroup2Mount,
  loadDatapathPrograms,
  nodeAddrKeyCodec,
  openPinnedDatapathMaps,
  programPaths,
  u32KeyCodec,
  writeNodeConfig,
  type PinnedDatapathMaps,
} from '../src/index.js';
import { openPinnedRaw } from '../src/pinned/open-pinned-raw.js';
import { labUnavailable, NetLab, sh, type LabPod } from './programs/net-lab.js';

const cgroupRoot = findCgroup2Mount();
const skip = labUnavailable() ?? (cgroupRoot ? undefined : 'needs a cgroup v2 mount (socket programs attach to a cgroup)');

function programId(path: string): number {
  return (JSON.parse(sh('bpftool', ['-j', 'prog', 'show', 'pinned', path])) as { id: number }).id;
}

function tcProgramIds(ifname: string, direction: 'ingress' | 'egress'): number[] {
  const out = sh('tc', ['filter', 'show', 'dev', ifname, direction]);
  return [...out.matchAll(/ id (\d+) /g)].map((m) => Number(m[1]));
}

function cgroupProgramIds(cgroup: string): Map<string, number[]> {
  const out = new Map<string, number[]>();
  const text = sh('bpftool', ['-j', 'cgroup', 'show', cgroup]).trim();
  for (const p of JSON.parse(text || '[]') as Array<{ id: number; attach_type: string }>) {
    out.set(p.attach_type, [...(out.get(p.attach_type) ?? []), p.id]);
  }
  return out;
}

function rawKeys(pinDir: string, map: string): Buffer[] {
  const m = openPinnedRaw(pinDir, map);
  try {
    return [...m.raw.keys()];
  } finally {
    m.close();
  }
}

describe('datapath programs: load, reload, attach, socket LB (privileged)', { skip }, () => {
  let lab: NetLab;
  let maps: PinnedDatapathMaps;
  let client: LabPod;
  let server: LabPod;
  let vip: string;
  let cgroup: string;

  before(async () => {
    lab = new NetLab(cgroupRoot);
    vip = `10.96.${lab.octet}.20`;
    cgroup = lab.makeCgroup();
    loadDatapathPrograms({ pinDir: lab.pinDir, objectPath: lab.buildObject() });
    maps = openPinnedDatapathMaps({ pinDir: lab.pinDir });
    writeNodeConfig(lab.pinDir, { nodeAddresses: [lab.routerIp] });
    client = lab.addPod('client', 10);
    server = lab.addPod('server', 20);
    for (const [i, pod] of [client, server].entries()) {
      maps.endpoints.update([{ key: { ip: pod.ip }, value: { endpointId: i + 1, identity: 2001 + i, ifindex: pod.ifindex, flags: 0 } }]);
      maps.ipcache.update([{ key: { ip: pod.ip, prefixLength: 32 }, value: { identity: 2001 + i, tunnelEndpoint: '0.0.0.0', flags: IPCACHE_FLAGS.local } }]);
      attachEndpointPrograms(pod.hostIf, lab.pinDir);
    }
    maps.lb4Backends.update([
      { key: { backendId: 1 }, value: { address: server.ip, port: 8080, protocol: IP_PROTOCOL.TCP, state: 'active' } },
      { key: { backendId: 2 }, value: { address: server.ip, port: 5353, protocol: IP_PROTOCOL.UDP, state: 'active' } },
    ]);
    for (const [revNatIndex, port, protocol, backendId] of [
      [1, 80, IP_PROTOCOL.TCP, 1],
      [2, 53, IP_PROTOCOL.UDP, 2],
    ] as const) {
      maps.lb4RevNat.update([{ key: { revNatIndex }, value: { address: vip, port } }]);
      maps.lb4Services.update([
        { key: { address: vip, port, protocol, slot: 1 }, value: { backendId, count: 0, revNatIndex, flags: 0 } },
        { key: { address: vip, port, protocol, slot: 0 }, value: { backendId: 0, count: 1, revNatIndex, flags: SERVICE_FLAGS.clusterIP } },
      ]);
    }
    await lab.serve(server, [8080], [5353]);
  });

  after(() => {
    if (lab && existsSync(programPaths(lab.pinDir).connect4)) detachHostPrograms(lab.pinDir, cgroup);
    maps?.close();
    lab?.cleanup();
  });

  test('an unchanged object keeps the pinned programs; attaching again changes nothing', () => {
    const paths = programPaths(lab.pinDir);
    const before = programId(paths.fromPod);
    const objectPath = lab.buildObject();
    assert.equal(loadDatapathPrograms({ pinDir: lab.pinDir, objectPath }).reloaded, false);
    assert.equal(programId(paths.fromPod), before);
    attachEndpointPrograms(server.hostIf, lab.pinDir);
    assert.deepEqual(tcProgramIds(server.hostIf, 'ingress'), [before]);
    assert.deepEqual(tcProgramIds(server.hostIf, 'egress'), [programId(paths.toPod)]);
  });

  test('a host process reaches a ClusterIP: TCP through connect4, UDP through sendmsg4/recvmsg4 (replies from the VIP)', () => {
    attachHostPrograms(lab.pinDir, cgroup);
    attachHostPrograms(lab.pinDir, cgroup);
    const attached = cgroupProgramIds(cgroup);
    assert.deepEqual(attached.get('cgroup_inet4_connect'), [programId(programPaths(lab.pinDir).connect4)], 'attached once');
    const [tcp] = lab.probe(undefined, 'tcp', vip, 80);
    assert.deepEqual([tcp?.result, tcp?.reply], ['connected', 'server hi']);
    const udp = lab.probe(undefined, 'udp', vip, 53, 2);
    assert.deepEqual(
      udp.map((u) => [u.result, u.reply, u.from]),
      [
        ['connected', 'server hi', `${vip}:53`],
        ['connected', 'server hi', `${vip}:53`],
      ],
    );
  });

  test('a changed object is swapped in and re-attached where the old one was, without breaking established connections', async () => {
    const paths = programPaths(lab.pinDir);
    const old = { fromPod: programId(paths.fromPod), toPod: programId(paths.toPod), connect4: programId(paths.connect4) };
    const held = await lab.hold(client, vip, 80, 3);
    try {
      assert.ok(held.first.every((r) => r.result === 'connected'));
      assert.equal(loadDatapathPrograms({ pinDir: lab.pinDir, objectPath: lab.buildObject(1) }).reloaded, true);
      const now = { fromPod: programId(paths.fromPod), toPod: programId(paths.toPod), connect4: programId(paths.connect4) };
      assert.notEqual(now.fromPod, old.fromPod);
      for (const pod of [client, server]) {
        assert.deepEqual(tcProgramIds(pod.hostIf, 'ingress'), [now.fromPod], `${pod.hostIf} ingress`);
        assert.deepEqual(tcProgramIds(pod.hostIf, 'egress'), [now.toPod], `${pod.hostIf} egress`);
      }
      assert.deepEqual(cgroupProgramIds(cgroup).get('cgroup_inet4_connect'), [now.connect4]);
      assert.deepEqual(
        (await held.next()).map((r) => [r.result, r.reply]),
        Array.from({ length: 3 }, () => ['connected', 'server round2']),
        'conntrack (pinned) outlives the programs',
      );
      assert.equal(lab.probe(undefined, 'tcp', vip, 80)[0]?.result, 'connected');
      assert.ok(!spawnSync('ls', [lab.pinDir], { encoding: 'utf8' }).stdout.includes('progs_'), 'no staging directory left');
    } finally {
      held.close();
    }
  });

  test('nl_policy_eps follows the policy maps: created, removed, and made whole again on open', () => {
    const ids = (): number[] => rawKeys(lab.pinDir, INTERNAL_MAP_NAMES.policyEps).map((k) => u32KeyCodec.decode(k)).sort((a, b) => a - b);
    maps.policy(7);
    maps.policy(9);
    assert.deepEqual(ids(), [7, 9]);
    maps.removePolicy(7);
    assert.deepEqual(ids(), [9]);
    // A map pinned by an agent that died before registering it is registered on the next open.
    const eps = openPinnedRaw(lab.pinDir, INTERNAL_MAP_NAMES.policyEps);
    eps.raw.delete(u32KeyCodec.encode(9));
    eps.close();
    openPinnedDatapathMaps({ pinDir: lab.pinDir }).close();
    assert.deepEqual(ids(), [9]);
  });

  test('writeNodeConfig makes nl_node_addrs exactly the node addresses and 127.0.0.1', () => {
    const addrs = (): string[] => rawKeys(lab.pinDir, INTERNAL_MAP_NAMES.nodeAddrs).map((k) => nodeAddrKeyCodec.decode(k).address).sort();
    writeNodeConfig(lab.pinDir, { nodeAddresses: [lab.routerIp, '192.0.2.7', 'fd00::1'] });
    assert.deepEqual(addrs(), ['127.0.0.1', '192.0.2.7', lab.routerIp].sort());
    writeNodeConfig(lab.pinDir, { nodeAddresses: [lab.routerIp] });
    assert.deepEqual(addrs(), ['127.0.0.1', lab.routerIp].sort());
  });

  test('detaching removes the programs; detaching what is not attached is no error', () => {
    detachHostPrograms(lab.pinDir, cgroup);
    detachHostPrograms(lab.pinDir, cgroup);
    assert.equal(cgroupProgramIds(cgroup).size, 0);
    detachEndpointPrograms(client.hostIf);
    detachEndpointPrograms(client.hostIf);
    detachEndpointPrograms('nl-no-such-if');
    assert.deepEqual(tcProgramIds(client.hostIf, 'ingress'), []);
  });
});
