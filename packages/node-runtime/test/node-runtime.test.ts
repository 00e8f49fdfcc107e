// Privileged: runs pods as network namespaces with netledger-cni (root, netns, veth, tc, bpffs).
// Skips naming the capability when the machine cannot.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { hostVethName, registrationPath } from '@netledger/cni';
import { ECHO_IMAGE, NETNS_ANNOTATION, netnsNameFor, netnsPath, PROBE_IMAGE, probe, teardownNode } from '../src/index.js';
import { privilegedSkipReason, run, RuntimeFixture, waitFor, type PodJson } from './support/runtime-fixture.js';

const skip = privilegedSkipReason();

function linkExists(name: string): boolean {
  return existsSync(`/sys/class/net/${name}`);
}

function processAlive(pid: number): boolean {
  try {
    return !readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.startsWith('Z');
  } catch {
    return false;
  }
}

function pidOf(pod: PodJson, container = 0): number {
  const id: string = pod.status.containerStatuses[container].containerID;
  return Number(id.replace('netledger://', ''));
}

const echoContainer = { name: 'echo', image: ECHO_IMAGE, ports: [{ containerPort: 8080 }, { containerPort: 5353, protocol: 'UDP' }] };
const probeContainer = { name: 'probe', image: PROBE_IMAGE };

describe('NodeRuntime with netledger-cni (privileged)', { skip }, () => {
  let f: RuntimeFixture;
  let echo: PodJson;
  let client: PodJson;

  before(async () => {
    f = await RuntimeFixture.create();
    await f.startRuntime();
  });
  after(async () => {
    await f?.cleanup();
  });

  test('registers its Node: podCIDR, InternalIP and Hostname, Ready', async () => {
    const node = (await f.call('GET', `/api/v1/nodes/${f.node}`)).body;
    assert.equal(node.spec.podCIDR, f.podCidr);
    assert.deepEqual(node.status.addresses, [
      { type: 'InternalIP', address: f.routerIp },
      { type: 'Hostname', address: f.node },
    ]);
    assert.equal(node.status.conditions.find((c: { type: string }) => c.type === 'Ready').status, 'True');
  });

  test('an echo pod gets a real address from the pod CIDR, its netns annotation, and is Ready once it listens', async () => {
    await f.createPod('echo-a', [echoContainer]);
    await f.createPod('client', [probeContainer]);
    echo = await f.waitReady('echo-a');
    client = await f.waitReady('client');
    const prefix = f.podCidr.split('.').slice(0, 3).join('.');
    for (const pod of [echo, client]) {
      assert.match(pod.status.podIP, new RegExp(`^${prefix.replaceAll('.', '\\.')}\\.\\d+$`));
      assert.notEqual(pod.status.podIP, f.routerIp);
      assert.deepEqual(pod.status.podIPs, [{ ip: pod.status.podIP }]);
      assert.equal(pod.status.hostIP, f.routerIp);
      assert.equal(pod.status.phase, 'Running');
      const netns = netnsNameFor('default', pod.metadata.name, pod.metadata.uid);
      assert.equal(pod.metadata.annotations[NETNS_ANNOTATION], netns);
      assert.ok(existsSync(netnsPath(netns)), `${netns} exists`);
      assert.equal(pod.status.containerStatuses[0].ready, true);
      assert.ok(processAlive(pidOf(pod)));
    }
    assert.notEqual(echo.status.podIP, client.status.podIP);
    // The address is on the pod's eth0 inside its namespace.
    const addrs = run('ip', ['-n', echo.metadata.annotations[NETNS_ANNOTATION], '-4', '-o', 'addr', 'show', 'dev', 'eth0']);
    assert.match(addrs, new RegExp(`inet ${echo.status.podIP.replaceAll('.', '\\.')}/32`));
  });

  test('another pod reaches the echo server over HTTP and UDP, and so does the host', async () => {
    const from = client.metadata.annotations[NETNS_ANNOTATION];
    const http = await probe({ netns: from, to: { ip: echo.status.podIP, port: 8080 }, proto: 'tcp', timeoutMs: 5000, http: true });
    assert.equal(http.result, 'connected', JSON.stringify(http));
    assert.equal(http.localIp, client.status.podIP);
    assert.deepEqual(JSON.parse(http.reply ?? ''), { pod: 'echo-a', namespace: 'default', node: f.node, ip: echo.status.podIP, port: 8080 });

    const udp = await probe({ netns: netnsPath(from), to: { ip: echo.status.podIP, port: 5353 }, proto: 'udp', timeoutMs: 5000, payload: 'hello' });
    assert.equal(udp.result, 'connected', JSON.stringify(udp));
    assert.equal(udp.reply, 'echo-a hello');

    const fromHost = await probe({ to: { ip: echo.status.podIP, port: 8080 }, proto: 'tcp', timeoutMs: 5000, http: true });
    assert.equal(fromHost.result, 'connected', JSON.stringify(fromHost));
    assert.equal(fromHost.localIp, f.routerIp, 'host to pod traffic leaves from the router address');
  });

  test('a closed port is refused (TCP reset, ICMP port unreachable); a blackholed address times out', async () => {
    const from = client.metadata.annotations[NETNS_ANNOTATION];
    const tcp = await probe({ netns: from, to: { ip: echo.status.podIP, port: 9 }, proto: 'tcp', timeoutMs: 5000 });
    assert.equal(tcp.result, 'refused', JSON.stringify(tcp));
    const udp = await probe({ netns: from, to: { ip: echo.status.podIP, port: 9 }, proto: 'udp', timeoutMs: 5000 });
    assert.equal(udp.result, 'refused', JSON.stringify(udp));

    const dark = `198.51.100.${1 + (process.pid % 250)}`;
    f.blackhole(dark);
    const lost = await probe({ netns: from, to: { ip: dark, port: 80 }, proto: 'tcp', timeoutMs: 400 });
    assert.equal(lost.result, 'timed-out', JSON.stringify(lost));
    const lostUdp = await probe({ netns: from, to: { ip: dark, port: 53 }, proto: 'udp', timeoutMs: 400 });
    assert.equal(lostUdp.result, 'timed-out', JSON.stringify(lostUdp));
  });

  test('a pod of any other image gets its network and no process, and is Ready', async () => {
    await f.createPod('pause', [{ name: 'main', image: 'registry.example/anything:1.0' }]);
    const pod = await f.waitReady('pause');
    assert.ok(pod.status.podIP);
    assert.equal(f.runtime?.podSummaries().find((p) => p.name === 'pause')?.processes.length, 0);
    const r = await probe({ netns: client.metadata.annotations[NETNS_ANNOTATION], to: { ip: pod.status.podIP, port: 8080 }, proto: 'tcp', timeoutMs: 5000 });
    assert.equal(r.result, 'refused', 'the address answers (RST): the network is set up, nothing listens');
  });

  test('a hostNetwork pod runs in the host namespace with the node address and no netns of its own', async () => {
    const port = 20_000 + (process.pid % 20_000);
    await f.createPod('on-host', [{ ...echoContainer, ports: [{ containerPort: port }] }], { hostNetwork: true });
    const pod = await f.waitReady('on-host');
    assert.equal(pod.status.podIP, f.routerIp);
    assert.equal(pod.metadata.annotations?.[NETNS_ANNOTATION], undefined);
    const r = await probe({ to: { ip: '127.0.0.1', port }, proto: 'tcp', timeoutMs: 5000, http: true });
    assert.equal(r.result, 'connected', JSON.stringify(r));
    assert.equal(JSON.parse(r.reply ?? '').pod, 'on-host');
    await f.deletePod('on-host');
    await waitFor('on-host stopped', () => !processAlive(pidOf(pod)));
  });

  test('a restarted runtime adopts running pods (same processes, addresses, no second allocation) and removes pods deleted meanwhile', async () => {
    await f.createPod('gone', [probeContainer]);
    const gone = await f.waitReady('gone');
    const pids = [pidOf(echo), pidOf(client)];
    await f.stopRuntime();
    await f.deletePod('gone');
    const allocated = f.ipamAddresses().filter((ip) => ip !== gone.status.podIP).sort();
    for (const pid of pids) assert.ok(processAlive(pid), `pod process ${pid} outlives the runtime`);
    const during = await probe({ netns: client.metadata.annotations[NETNS_ANNOTATION], to: { ip: echo.status.podIP, port: 8080 }, proto: 'tcp', timeoutMs: 5000 });
    assert.equal(during.result, 'connected', 'pods keep serving while the runtime is down');

    await f.startRuntime();
    await f.runtime?.idle();
    const again = await f.waitReady('echo-a');
    assert.equal(again.status.podIP, echo.status.podIP);
    assert.equal(pidOf(again), pidOf(echo));
    assert.equal(again.status.containerStatuses[0].restartCount, 0);
    assert.equal(pidOf(await f.waitReady('client')), pidOf(client));
    await waitFor('gone torn down', () => !existsSync(netnsPath(gone.metadata.annotations[NETNS_ANNOTATION])));
    assert.ok(!processAlive(pidOf(gone)));
    assert.deepEqual(f.ipamAddresses().sort(), allocated);
  });

  test('a container that dies is restarted under restartPolicy Always; under Never the pod Succeeds and its sandbox goes', async () => {
    process.kill(pidOf(echo), 'SIGKILL');
    const restarted = await waitFor('echo-a restarted', async () => {
      const pod = await f.getPod('echo-a');
      const s = pod?.status?.containerStatuses?.[0];
      return s?.restartCount === 1 && s.ready === true ? pod : undefined;
    });
    assert.notEqual(pidOf(restarted), pidOf(echo));
    assert.equal(restarted.status.podIP, echo.status.podIP, 'a container restart keeps the sandbox');
    echo = restarted;

    await f.createPod('once', [probeContainer], { restartPolicy: 'Never' });
    const once = await f.waitReady('once');
    const netns = once.metadata.annotations[NETNS_ANNOTATION];
    // probe.mjs exits 0 on SIGTERM: a container that completed.
    process.kill(pidOf(once), 'SIGTERM');
    const done = await waitFor('once Succeeded', async () => {
      const pod = await f.getPod('once');
      return pod?.status?.phase === 'Succeeded' ? pod : undefined;
    });
    assert.equal(done.status.containerStatuses[0].state.terminated.exitCode, 0);
    await waitFor(`${netns} removed`, () => !existsSync(netnsPath(netns)));
    await waitFor('the address of once released', () => !f.ipamAddresses().includes(once.status.podIP));
  });

  test('deleting a pod removes its process, netns, host veth, IPAM allocation and endpoint registration', async () => {
    const uid: string = echo.metadata.uid;
    const netns = echo.metadata.annotations[NETNS_ANNOTATION];
    const veth = hostVethName(uid, 'eth0');
    const registration = registrationPath(f.layout.cniStateDir, uid);
    assert.ok(linkExists(veth), `host veth ${veth} exists`);
    assert.ok(existsSync(registration));
    const pid = pidOf(echo);
    await f.deletePod('echo-a');
    await waitFor('echo-a torn down', () => !existsSync(netnsPath(netns)) && !f.runtime?.podSummaries().some((p) => p.uid === uid));
    assert.ok(!processAlive(pid));
    assert.ok(!linkExists(veth));
    assert.ok(!f.ipamAddresses().includes(echo.status.podIP));
    assert.ok(!existsSync(registration));
    assert.ok(!existsSync(f.layout.podLogDir(uid)));
  });

  test('teardownNode removes every pod of the stopped runtime', async () => {
    const left = ['client', 'pause'];
    const pods = await Promise.all(left.map((n) => f.getPod(n)));
    await f.stopRuntime();
    const report = await teardownNode({ dataDir: f.dataDir.root, node: f.node });
    assert.deepEqual(report.errors, []);
    assert.deepEqual([...report.pods].sort(), left.map((n) => `default/${n}`));
    for (const pod of pods) {
      assert.ok(!existsSync(netnsPath(pod.metadata.annotations[NETNS_ANNOTATION])));
      assert.ok(!linkExists(hostVethName(pod.metadata.uid, 'eth0')));
      assert.ok(!processAlive(pidOf(pod)) || pod.metadata.name === 'pause');
    }
    assert.deepEqual(f.ipamAddresses(), []);
    assert.ok(!existsSync(f.layout.stateFile));
  });
});
