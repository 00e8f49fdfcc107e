import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { DatapathBenchError } from './datapath-bench-error.js';
import { CommandFailedError, ipBatch, runCommand } from './run-command.js';

/** The device holding router addresses in the host's namespace, shared with the CNI plugin. */
const HOST_DEVICE = 'nl_host';
/** The pods' gateway: link-local, answered by a permanent neighbour entry (no proxy ARP). */
const POD_GATEWAY = '169.254.1.1';
const IP_FORWARD = '/proc/sys/net/ipv4/ip_forward';

/** One pod of the bench: a network namespace behind a veth, as the CNI plugin makes them. */
export interface BenchPod {
  readonly role: 'client' | 'server';
  /** Name under /var/run/netns (for `ip netns exec`). */
  readonly netns: string;
  readonly ip: string;
  readonly hostIfname: string;
  readonly hostIfindex: number;
}

export interface BenchNetworkOptions {
  /** First host address of the pod CIDR, put /32 on nl_host. */
  readonly routerIp: string;
  readonly clientIp: string;
  readonly serverIp: string;
}

/** The bench's two pods; close() removes what setUpBenchNetwork added and nothing else. */
export interface BenchNetwork {
  readonly routerIp: string;
  readonly client: BenchPod;
  readonly server: BenchPod;
  close(): void;
}

/**
 * Two pods wired the way the contract of issue 5 says (pod: eth0 with its /32, default via
 * 169.254.1.1, a PERMANENT neighbour entry for it, IPv6 off; host: veth up, `podIP/32 dev veth
 * src routerIP`), in namespaces and veths named with a random suffix so they collide with
 * nothing else on the machine. The router address goes on nl_host (created when missing, and
 * left in place after: other stacks on this machine share it).
 */
export function setUpBenchNetwork(options: BenchNetworkOptions): BenchNetwork {
  const suffix = randomBytes(3).toString('hex');
  const undo: Array<() => void> = [];
  const close = (): void => {
    const failures: string[] = [];
    for (const step of undo.reverse()) {
      try {
        step();
      } catch (e) {
        failures.push((e as Error).message);
      }
    }
    undo.length = 0;
    if (failures.length) process.stderr.write(`datapath bench: cleanup left something behind: ${failures.join('; ')}\n`);
  };
  try {
    if (readFileSync(IP_FORWARD, 'utf8').trim() !== '1') writeFileSync(IP_FORWARD, '1\n');
    addRouterAddress(options.routerIp);
    undo.push(() => ignoreMissing(() => runCommand('ip', ['address', 'del', `${options.routerIp}/32`, 'dev', HOST_DEVICE])));
    const pod = (role: BenchPod['role'], ip: string): BenchPod => {
      const netns = `nlbench-${suffix}-${role}`;
      const hostIfname = `nlb${suffix}${role === 'client' ? 'c' : 's'}`;
      runCommand('ip', ['netns', 'add', netns]);
      undo.push(() => ignoreMissing(() => runCommand('ip', ['netns', 'del', netns])));
      // Deleting the host end also takes the pod end and the host route with it.
      undo.push(() => ignoreMissing(() => runCommand('ip', ['link', 'del', 'dev', hostIfname])));
      return createPod(role, netns, hostIfname, ip, options.routerIp);
    };
    const server = pod('server', options.serverIp);
    const client = pod('client', options.clientIp);
    return { routerIp: options.routerIp, client, server, close };
  } catch (e) {
    close();
    throw e;
  }
}

function addRouterAddress(routerIp: string): void {
  if (!existsSync(`/sys/class/net/${HOST_DEVICE}`)) createHostDevice();
  try {
    runCommand('ip', ['address', 'add', `${routerIp}/32`, 'dev', HOST_DEVICE]);
  } catch (e) {
    if (e instanceof CommandFailedError && /File exists|already assigned/.test(e.stderr)) {
      throw new DatapathBenchError(`router address ${routerIp}/32`, `already on ${HOST_DEVICE}: another datapath bench is running, or one was killed (ip address del ${routerIp}/32 dev ${HOST_DEVICE})`, { cause: e });
    }
    throw e;
  }
  runCommand('ip', ['link', 'set', 'dev', HOST_DEVICE, 'up']);
}

// As the CNI plugin does: a dummy, or an ifb on kernels built without the dummy driver; a
// concurrent creator's "exists" is success.
function createHostDevice(): void {
  for (const type of ['dummy', 'ifb']) {
    try {
      runCommand('ip', ['link', 'add', HOST_DEVICE, 'type', type]);
      return;
    } catch (e) {
      if (!(e instanceof CommandFailedError)) throw e;
      if (/File exists/.test(e.stderr)) return;
      if (!/Unknown device type/.test(e.stderr) || type === 'ifb') throw e;
    }
  }
}

function createPod(role: BenchPod['role'], netns: string, hostIfname: string, ip: string, routerIp: string): BenchPod {
  const podMac = randomMac();
  const hostMac = randomMac();
  const settings = ['net.ipv6.conf.all.disable_ipv6=1', 'net.ipv6.conf.default.disable_ipv6=1'];
  // The client opens tens of thousands of connections per run: the widest port range keeps a
  // free port for each without waiting on the server's TIME_WAITs.
  if (role === 'client') settings.push('net.ipv4.ip_local_port_range=1024 65535');
  runCommand('ip', ['netns', 'exec', netns, 'sysctl', '-q', '-w', ...settings]);
  // Made from inside the pod's namespace, the host end placed straight into ours (this process's).
  runCommand('ip', ['-n', netns, 'link', 'add', 'eth0', 'address', podMac, 'type', 'veth', 'peer', 'name', hostIfname, 'address', hostMac, 'netns', String(process.pid)]);
  try {
    writeFileSync(`/proc/sys/net/ipv6/conf/${hostIfname}/disable_ipv6`, '1\n');
  } catch {
    // A kernel without IPv6: nothing to turn off.
  }
  ipBatch([`link set dev ${hostIfname} up`, `route replace ${ip}/32 dev ${hostIfname} src ${routerIp}`]);
  ipBatch(
    [
      'link set dev lo up',
      'link set dev eth0 up',
      `address add ${ip}/32 dev eth0`,
      `route add ${POD_GATEWAY}/32 dev eth0 scope link`,
      `route add default via ${POD_GATEWAY} dev eth0`,
      `neigh replace ${POD_GATEWAY} lladdr ${hostMac} dev eth0 nud permanent`,
    ],
    netns,
  );
  const hostIfindex = Number(readFileSync(`/sys/class/net/${hostIfname}/ifindex`, 'utf8').trim());
  return { role, netns, ip, hostIfname, hostIfindex };
}

function ignoreMissing(step: () => void): void {
  try {
    step();
  } catch (e) {
    if (e instanceof CommandFailedError && /Cannot find device|does not exist|No such file|Cannot assign requested address|Cannot remove/.test(e.stderr)) return;
    throw e;
  }
}

/** A random locally administered unicast MAC. */
function randomMac(): string {
  const b = randomBytes(6);
  b[0] = ((b[0] ?? 0) & 0xfe) | 0x02;
  return [...b].map((x) => x.toString(16).padStart(2, '0')).join(':');
}
