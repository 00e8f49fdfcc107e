import { randomBytes } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import { CommandFailedError } from '@netledger/datapath';
import type { IpRunner } from './ip-runner.js';
import { hostLinkInfo, type LinkInfo } from './link-info.js';

/** The pod's gateway: link-local, the same in every pod, answered by a permanent neighbour entry. */
export const POD_GATEWAY = '169.254.1.1';

export interface PodNetworkSpec {
  /** Path of the pod's network namespace. */
  readonly netns: string;
  readonly ifname: string;
  readonly hostIfname: string;
  readonly podIp: string;
  readonly routerIP: string;
  readonly mtu: number;
  /** The plugin's own pid: `netns <pid>` puts the host end in the plugin's (the host's) namespace. */
  readonly pid: number;
}

export interface PodLinks {
  readonly host: LinkInfo;
  readonly podMac: string;
}

// The kernel answers for IPv6 only when it has it.
const HAS_IPV6 = existsSync('/proc/sys/net/ipv6');

/**
 * Creates the veth pair from inside the pod's namespace (the pod end gets its final name at
 * once, the host end is placed straight into the host's namespace, so no temporary name can
 * collide), then configures both ends:
 * - pod: IPv6 off, lo up, `<ifname>` up with podIp/32, a link route to 169.254.1.1, the default
 *   route via it, and a PERMANENT neighbour entry 169.254.1.1 -> host veth MAC (no proxy ARP);
 * - host: IPv6 off on the veth, up, `podIp/32 dev <hostIfname> src <routerIP>`.
 * A host veth left by an earlier attempt for the same container and interface is replaced.
 */
export function createPodNetwork(ip: IpRunner, spec: PodNetworkSpec): PodLinks {
  deleteHostVeth(ip, spec.hostIfname);
  if (HAS_IPV6) ip.sysctl(spec.netns, ['net.ipv6.conf.all.disable_ipv6=1', 'net.ipv6.conf.default.disable_ipv6=1']);

  const podMac = randomMac();
  const hostMac = randomMac();
  const mtu = String(spec.mtu);
  ip.run(
    ['link', 'add', spec.ifname, 'address', podMac, 'mtu', mtu, 'type', 'veth', 'peer', 'name', spec.hostIfname, 'address', hostMac, 'mtu', mtu, 'netns', String(spec.pid)],
    spec.netns,
  );

  if (HAS_IPV6) disableHostIpv6(spec.hostIfname);
  ip.batch([`link set dev ${spec.hostIfname} up`, `route replace ${spec.podIp}/32 dev ${spec.hostIfname} src ${spec.routerIP}`]);
  ip.batch(
    [
      'link set dev lo up',
      `link set dev ${spec.ifname} up`,
      `address add ${spec.podIp}/32 dev ${spec.ifname}`,
      `route add ${POD_GATEWAY}/32 dev ${spec.ifname} scope link`,
      `route add default via ${POD_GATEWAY} dev ${spec.ifname}`,
      `neigh replace ${POD_GATEWAY} lladdr ${hostMac} dev ${spec.ifname} nud permanent`,
    ],
    spec.netns,
  );

  const host = hostLinkInfo(spec.hostIfname);
  if (!host) throw new Error(`host veth ${spec.hostIfname} vanished right after it was created`);
  return { host, podMac };
}

/**
 * Deletes the host end (the pod end goes with it, and so does the host route through it).
 * Returns false when there was none.
 */
export function deleteHostVeth(ip: IpRunner, hostIfname: string): boolean {
  if (!hostLinkInfo(hostIfname)) return false;
  try {
    ip.run(['link', 'del', 'dev', hostIfname]);
    return true;
  } catch (e) {
    // Gone between the look and the delete (its netns was destroyed meanwhile).
    if (e instanceof CommandFailedError && /Cannot find device|does not exist/.test(e.stderr)) return false;
    throw e;
  }
}

// The host veth would otherwise send router solicitations and take link-local addresses.
function disableHostIpv6(ifname: string): void {
  try {
    writeFileSync(`/proc/sys/net/ipv6/conf/${ifname}/disable_ipv6`, '1\n');
  } catch {
    // Not fatal: the pod side has IPv6 off, so nothing answers anyway.
  }
}

/** A random locally administered unicast MAC. */
function randomMac(): string {
  const b = randomBytes(6);
  b[0] = ((b[0] ?? 0) & 0xfe) | 0x02;
  return [...b].map((x) => x.toString(16).padStart(2, '0')).join(':');
}
