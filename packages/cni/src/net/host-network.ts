import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { CommandFailedError } from '@netledger/datapath';
import type { IpRunner } from './ip-runner.js';

/** The device holding the router IP in the host's namespace (a dummy, or an ifb where the kernel has no dummy driver). */
export const HOST_DEVICE = 'nl_host';

const IP_FORWARD = '/proc/sys/net/ipv4/ip_forward';

// Kernels built without CONFIG_DUMMY (this project's CI VMs among them) answer "Unknown device
// type"; an ifb device does the same job here: it is up with carrier, holds addresses, and
// nothing is ever redirected through it.
const DEVICE_TYPES = ['dummy', 'ifb'] as const;

/**
 * The host side every pod shares, made idempotently: IPv4 forwarding on, and `nl_host` (up)
 * holding the router IP /32, the source of host-to-pod traffic. Concurrent ADDs may race to
 * create the device: the loser's "exists" is success.
 */
export function ensureHostNetwork(ip: IpRunner, routerIP: string): void {
  if (readFileSync(IP_FORWARD, 'utf8').trim() !== '1') writeFileSync(IP_FORWARD, '1\n');
  if (!existsSync(`/sys/class/net/${HOST_DEVICE}`)) createHostDevice(ip);
  ip.batch([`address replace ${routerIP}/32 dev ${HOST_DEVICE}`, `link set dev ${HOST_DEVICE} up`]);
}

function createHostDevice(ip: IpRunner): void {
  for (const [i, type] of DEVICE_TYPES.entries()) {
    try {
      ip.run(['link', 'add', HOST_DEVICE, 'type', type]);
      return;
    } catch (e) {
      if (!(e instanceof CommandFailedError)) throw e;
      if (/File exists/.test(e.stderr)) return;
      if (!/Unknown device type/.test(e.stderr) || i === DEVICE_TYPES.length - 1) throw e;
    }
  }
}
