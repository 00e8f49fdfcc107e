// Privileged: netledger-cni run as a CNI runtime runs it, against real network namespaces,
// veth pairs and pinned (pass-all) tc programs. Each test has its own pin dir, pod CIDR,
// IPAM and state dirs, netns and container ids, and removes them.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import { CniPluginError, execCni, invokeCni, registrationPath, type CniErrorResult, type CniResult, type EndpointRegistration } from '../src/index.js';
import { CniFixture, datapathObjectMissing, privilegedSkipReason } from './support/cni-fixture.js';

const skipReason = privilegedSkipReason();

/** Runs `fn` with a fresh fixture, cleaned up whatever happens; skipped without privileges. */
async function withFixture(t: TestContext, fn: (f: CniFixture) => Promise<void>, opts?: ConstructorParameters<typeof CniFixture>[0]): Promise<void> {
  const reason = skipReason ?? (opts?.programs === 'datapath' ? datapathObjectMissing() : undefined);
  if (reason) {
    t.skip(reason);
    return;
  }
  const f = new CniFixture(opts);
  try {
    await fn(f);
  } finally {
    await f.cleanup();
  }
}

function podIp(result: CniResult): string {
  const address = result.ips?.[0]?.address;
  assert.ok(address, `no address in ${JSON.stringify(result)}`);
  return address.split('/')[0] as string;
}

async function rejectsWithCode(p: Promise<unknown>, code: number, msg: RegExp): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof CniPluginError, String(e));
    assert.equal(e.code, code, e.message);
    assert.match(e.msg, msg);
    return true;
  });
}

function attachedProgramNames(f: CniFixture, dev: string, direction: 'ingress' | 'egress'): string[] {
  const filters = JSON.parse(f.tc(['-j', 'filter', 'show', 'dev', dev, direction])) as Array<{ options?: { prog?: { name?: string } } }>;
  return filters.flatMap((x) => (x.options?.prog?.name ? [x.options.prog.name] : []));
}

test('ADD: CNI 1.0 result shape, pod and host network, programs attached, registration and IPAM record written', (t) =>
  withFixture(t, async (f) => {
    const netns = f.netns('a');
    const id = f.containerId('a');
    const result = await f.add(id, netns);
    const hostVeth = f.hostVeth(id);

    assert.equal(result.cniVersion, '1.0.0');
    assert.equal(result.interfaces?.length, 2);
    const [host, pod] = result.interfaces ?? [];
    assert.equal(host?.name, hostVeth);
    assert.equal(host?.sandbox, undefined);
    assert.match(host?.mac ?? '', /^([0-9a-f]{2}:){5}[0-9a-f]{2}$/);
    assert.equal(pod?.name, 'eth0');
    assert.equal(pod?.sandbox, netns);
    const ip = podIp(result);
    assert.deepEqual(result.ips, [{ address: `${ip}/32`, gateway: '169.254.1.1', interface: 1 }]);
    assert.ok(ip.startsWith(f.podCIDR.split('.').slice(0, 3).join('.') + '.') && ip !== f.routerIP, ip);
    assert.deepEqual(result.routes, [{ dst: '169.254.1.1/32' }, { dst: '0.0.0.0/0', gw: '169.254.1.1' }]);

    // Pod side.
    const link = (JSON.parse(f.ip(['-j', 'address', 'show', 'dev', 'eth0'], netns)) as Array<Record<string, unknown>>)[0] ?? {};
    assert.equal(link['address'], pod?.mac);
    assert.equal(link['mtu'], 1500);
    assert.deepEqual((link['addr_info'] as Array<Record<string, unknown>>).map((a) => `${String(a['local'])}/${String(a['prefixlen'])}`), [`${ip}/32`]);
    const routes = JSON.parse(f.ip(['-j', 'route', 'show'], netns)) as Array<Record<string, unknown>>;
    assert.ok(routes.some((r) => r['dst'] === 'default' && r['gateway'] === '169.254.1.1' && r['dev'] === 'eth0'), JSON.stringify(routes));
    assert.ok(routes.some((r) => r['dst'] === '169.254.1.1' && r['scope'] === 'link'), JSON.stringify(routes));
    const neigh = JSON.parse(f.ip(['-j', 'neigh', 'show', '169.254.1.1', 'dev', 'eth0'], netns)) as Array<Record<string, unknown>>;
    assert.equal(neigh[0]?.['lladdr'], host?.mac);
    assert.deepEqual(neigh[0]?.['state'], ['PERMANENT']);
    assert.equal(f.ip(['netns', 'exec', netns.split('/').pop() as string, 'cat', '/proc/sys/net/ipv6/conf/all/disable_ipv6']).trim(), '1');

    // Host side.
    const hostRoute = JSON.parse(f.ip(['-j', 'route', 'show', 'exact', `${ip}/32`])) as Array<Record<string, unknown>>;
    assert.deepEqual(hostRoute.map((r) => [r['dev'], r['prefsrc']]), [[hostVeth, f.routerIP]]);
    assert.ok(f.ip(['-j', 'address', 'show', 'dev', 'nl_host']).includes(`"${f.routerIP}"`));
    assert.equal(readFileSync('/proc/sys/net/ipv4/ip_forward', 'utf8').trim(), '1');
    assert.deepEqual(attachedProgramNames(f, hostVeth, 'ingress'), ['nl_from_pod']);
    assert.deepEqual(attachedProgramNames(f, hostVeth, 'egress'), ['nl_to_pod']);

    // Files.
    const reg = JSON.parse(readFileSync(registrationPath(f.stateDir, id), 'utf8')) as EndpointRegistration;
    assert.deepEqual(
      { ...reg, createdAt: typeof reg.createdAt },
      {
        containerId: id,
        ifname: 'eth0',
        netns,
        hostIfname: hostVeth,
        hostIfindex: Number(readFileSync(`/sys/class/net/${hostVeth}/ifindex`, 'utf8')),
        ip,
        mac: pod?.mac,
        hostMac: host?.mac,
        podNamespace: 'test',
        podName: id,
        createdAt: 'string',
      },
    );
    const record = JSON.parse(readFileSync(join(f.ipamDir, ip), 'utf8')) as Record<string, unknown>;
    assert.equal(record['containerId'], id);
    assert.equal(record['ifname'], 'eth0');
  }));

test('ADD with a 0.4.0 or 0.3.1 config: the same result with ips[].version', (t) =>
  withFixture(t, async (f) => {
    for (const v of ['0.4.0', '0.3.1']) {
      const netns = f.netns(v.replaceAll('.', ''));
      const result = await f.add(f.containerId(v.replaceAll('.', '')), netns, 'eth0', f.config({ cniVersion: v }));
      assert.equal(result.cniVersion, v);
      assert.equal(result.ips?.[0]?.version, '4');
      assert.equal(result.ips?.[0]?.interface, 1);
      assert.equal(result.interfaces?.[1]?.sandbox, netns);
    }
  }));

test('connectivity: pod to pod through the host, host to pod from the router IP', (t) =>
  withFixture(t, async (f) => {
    const nsA = f.netns('a');
    const nsB = f.netns('b');
    const ipA = podIp(await f.add(f.containerId('a'), nsA));
    const ipB = podIp(await f.add(f.containerId('b'), nsB));
    await f.server(nsB, 8080);
    await f.server(nsA, 8080);
    assert.equal(await f.connect(nsA, ipB, 8080), ipA, 'B sees A by its own address');
    assert.equal(await f.connect(nsB, ipA, 8080), ipB);
    assert.equal(await f.connect(undefined, ipA, 8080), f.routerIP, 'host traffic leaves from the router IP');
  }));

test('CHECK: passes after ADD; names what is wrong once something is broken', (t) =>
  withFixture(t, async (f) => {
    const netns = f.netns('a');
    const id = f.containerId('a');
    const prevResult = await f.add(id, netns);
    const check = (config = f.config({ prevResult })) => f.exec('CHECK', { containerId: id, netns, ifname: 'eth0' }, config);
    const expectCode = async (code: number, msg: RegExp, config?: Record<string, unknown>) => {
      const r = await check(config);
      assert.notEqual(r.exitCode, 0, 'CHECK should fail');
      const e = r.output as CniErrorResult;
      assert.equal(e.code, code, r.stdout);
      assert.match(e.msg, msg);
    };

    const ok = await check();
    assert.equal(ok.exitCode, 0, ok.stdout);
    assert.equal(ok.stdout, '', 'CHECK prints nothing on success');

    // prevResult naming another address.
    const other = { ...prevResult, ips: [{ address: '10.233.0.99/32', gateway: '169.254.1.1', interface: 1 }] };
    await expectCode(110, /IPAM: .* holds .*prevResult says 10\.233\.0\.99/, f.config({ prevResult: other }));

    // Container side: the default route removed.
    f.ip(['route', 'del', 'default'], netns);
    await expectCode(112, /container default route via 169\.254\.1\.1 dev eth0: missing/);
    f.ip(['route', 'add', 'default', 'via', '169.254.1.1', 'dev', 'eth0'], netns);
    const back = await check();
    assert.equal(back.exitCode, 0, back.stdout);

    // Container side: the address removed.
    const ip = podIp(prevResult);
    f.ip(['address', 'del', `${ip}/32`, 'dev', 'eth0'], netns);
    await expectCode(112, new RegExp(`container interface eth0 in ${netns}: address ${ip.replaceAll('.', '\\.')}/32 missing`));
    f.ip(['address', 'add', `${ip}/32`, 'dev', 'eth0'], netns);
    f.ip(['route', 'replace', '169.254.1.1/32', 'dev', 'eth0', 'scope', 'link'], netns);
    f.ip(['route', 'replace', 'default', 'via', '169.254.1.1', 'dev', 'eth0'], netns);
    // Removing the last address flushed the neighbour table: CHECK would name that next.
    await expectCode(112, /container neighbour 169\.254\.1\.1 .* PERMANENT on eth0: missing/);
    f.ip(['neigh', 'replace', '169.254.1.1', 'lladdr', prevResult.interfaces?.[0]?.mac ?? '', 'dev', 'eth0', 'nud', 'permanent'], netns);
    const repaired = await check();
    assert.equal(repaired.exitCode, 0, repaired.stdout);

    // Host side: programs detached.
    f.tc(['qdisc', 'del', 'dev', f.hostVeth(id), 'clsact']);
    await expectCode(111, new RegExp(`host veth ${f.hostVeth(id)}: ingress runs no program, not .*nl_from_pod`));

    // Registration gone.
    rmSync(registrationPath(f.stateDir, id));
    await expectCode(110, /endpoint registration .*: missing or unreadable/);
  }));

test('DEL: removes veth, route, address and registration, prints nothing; a second DEL succeeds too', (t) =>
  withFixture(t, async (f) => {
    const netns = f.netns('a');
    const id = f.containerId('a');
    const ip = podIp(await f.add(id, netns));
    for (let i = 0; i < 2; i++) {
      const r = await f.exec('DEL', { containerId: id, netns, ifname: 'eth0' });
      assert.equal(r.exitCode, 0, r.stdout);
      assert.equal(r.stdout, '');
    }
    assert.equal(existsSync(`/sys/class/net/${f.hostVeth(id)}`), false);
    assert.equal(f.ip(['route', 'show', 'exact', `${ip}/32`]).trim(), '');
    assert.equal(existsSync(join(f.ipamDir, ip)), false);
    assert.equal(existsSync(registrationPath(f.stateDir, id)), false);
    assert.match(f.ip(['link', 'show'], netns), /^1: lo/);
    assert.doesNotMatch(f.ip(['link', 'show'], netns), /eth0/);
  }));

test('DEL: the netns already gone, or no CNI_NETNS at all, still cleans up and succeeds', (t) =>
  withFixture(t, async (f) => {
    const nsA = f.netns('a');
    const a = f.containerId('a');
    const ipA = podIp(await f.add(a, nsA));
    f.deleteNetns(nsA);
    await f.del(a, nsA);
    assert.equal(existsSync(join(f.ipamDir, ipA)), false);
    assert.equal(existsSync(registrationPath(f.stateDir, a)), false);

    const nsB = f.netns('b');
    const b = f.containerId('b');
    const ipB = podIp(await f.add(b, nsB));
    await f.del(b, undefined);
    assert.equal(existsSync(`/sys/class/net/${f.hostVeth(b)}`), false);
    assert.equal(existsSync(join(f.ipamDir, ipB)), false);

    // Never added at all.
    await f.del(f.containerId('never'), undefined);
  }));

test('ADD failing after allocation rolls back: no address kept, no host veth, no registration', (t) =>
  withFixture(t, async (f) => {
    const netns = f.netns('a');
    const id = f.containerId('a');
    // The interface name is taken inside the netns, so the veth cannot be created.
    f.ip(['link', 'add', 'eth0', 'type', 'veth', 'peer', 'name', 'other0'], netns);
    await rejectsWithCode(f.add(id, netns), 101, /^veth .* <-> eth0 in .*: .*File exists/);
    assert.deepEqual(readdirSync(f.ipamDir).filter((n) => /^\d/.test(n)), []);
    assert.equal(existsSync(`/sys/class/net/${f.hostVeth(id)}`), false);
    assert.equal(existsSync(registrationPath(f.stateDir, id)), false);
  }));

test('ADD into a netns that does not exist: code 3', (t) =>
  withFixture(t, async (f) => {
    await rejectsWithCode(f.add(f.containerId('a'), '/var/run/netns/nl-cni-test-absent'), 3, /^CNI_NETNS: .* does not exist$/);
  }));

test('IPAM: 20 concurrent ADDs get 20 different addresses; all reach each other through the host', (t) =>
  withFixture(t, async (f) => {
    const pods = Array.from({ length: 20 }, (_, i) => ({ id: f.containerId(`p${i}`), netns: f.netns(`p${i}`) }));
    const results = await Promise.all(pods.map((p) => f.add(p.id, p.netns)));
    const ips = results.map(podIp);
    assert.equal(new Set(ips).size, 20, ips.join(' '));
    assert.equal(readdirSync(f.ipamDir).filter((n) => /^\d/.test(n)).length, 20);
    assert.equal(readdirSync(join(f.stateDir, 'endpoints')).filter((n) => n.endsWith('.json')).length, 20);
    const [first, last] = [pods[0], pods[19]];
    assert.ok(first && last);
    await f.server(last.netns, 8080);
    assert.equal(await f.connect(first.netns, ips[19] as string, 8080), ips[0]);
  }));

test('IPAM: the same container asking again keeps its address; DEL releases it; the pool runs out with code 100', (t) =>
  withFixture(
    t,
    async (f) => {
      // /29: 6 host addresses, one of them the router: 5 pods.
      const pods = Array.from({ length: 6 }, (_, i) => ({ id: f.containerId(`p${i}`), netns: f.netns(`p${i}`) }));
      const ips: string[] = [];
      for (const p of pods.slice(0, 5)) ips.push(podIp(await f.add(p.id, p.netns)));
      assert.equal(new Set(ips).size, 5);
      assert.ok(!ips.includes(f.routerIP));

      // A runtime retrying an ADD (no DEL in between) gets the same address and a working pod.
      const again = podIp(await f.add(pods[0]!.id, pods[0]!.netns));
      assert.equal(again, ips[0]);
      assert.equal(readdirSync(f.ipamDir).filter((n) => /^\d/.test(n)).length, 5);

      const sixth = pods[5]!;
      await rejectsWithCode(f.add(sixth.id, sixth.netns), 100, /^IPAM: no free address in podCIDR .*\/29 \(5 allocated/);
      assert.equal(existsSync(`/sys/class/net/${f.hostVeth(sixth.id)}`), false);

      await f.del(pods[2]!.id, pods[2]!.netns);
      assert.equal(podIp(await f.add(sixth.id, sixth.netns)), ips[2], 'the released address is the only free one');
    },
    { prefixLength: 29 },
  ));

test('the single-file bundle, dropped into a plugin directory outside the repo, runs VERSION, ADD, CHECK and DEL', (t) =>
  withFixture(t, async (f) => {
    const plugin = join(f.tmp, 'opt-cni-bin', 'netledger-cni');
    const script = fileURLToPath(new URL('../scripts/bundle.mjs', import.meta.url));
    const built = spawnSync(process.execPath, [script, plugin], { encoding: 'utf8' });
    assert.equal(built.status, 0, built.stderr);

    const version = await execCni(plugin, 'VERSION', {}, { cniVersion: '1.0.0' });
    assert.deepEqual(version.output, { cniVersion: '1.0.0', supportedVersions: ['0.3.0', '0.3.1', '0.4.0', '1.0.0'] });

    const netns = f.netns('a');
    const id = f.containerId('a');
    const env = { containerId: id, netns, ifname: 'eth0' };
    const result = (await invokeCni(plugin, 'ADD', env, f.config())) as CniResult;
    assert.equal(result.interfaces?.[1]?.sandbox, netns);
    assert.equal(await invokeCni(plugin, 'CHECK', env, f.config({ prevResult: result })), undefined);
    assert.equal(await invokeCni(plugin, 'DEL', env, f.config()), undefined);
    assert.equal(existsSync(`/sys/class/net/${f.hostVeth(id)}`), false);
  }));

test('with the real datapath programs pinned as the node agent pins them, ADD attaches them, CHECK passes, DEL removes the veth', (t) =>
  withFixture(
    t,
    async (f) => {
      const netns = f.netns('a');
      const id = f.containerId('a');
      const result = await f.add(id, netns);
      const hostVeth = f.hostVeth(id);
      assert.deepEqual(attachedProgramNames(f, hostVeth, 'ingress'), ['nl_from_pod']);
      assert.deepEqual(attachedProgramNames(f, hostVeth, 'egress'), ['nl_to_pod']);
      const check = await f.exec('CHECK', { containerId: id, netns, ifname: 'eth0' }, f.config({ prevResult: result }));
      assert.equal(check.exitCode, 0, check.stdout);
      await f.del(id, netns);
      assert.equal(existsSync(`/sys/class/net/${hostVeth}`), false);
    },
    { programs: 'datapath' },
  ));
