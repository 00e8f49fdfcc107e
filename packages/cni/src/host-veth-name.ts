import { createHash } from 'node:crypto';

/**
 * The host-side veth of a container interface: `nl` + the first 11 hex characters of
 * sha256(`<containerId>/<ifname>`), 13 characters (the kernel allows 15). Derived, not stored,
 * so DEL finds it with nothing but the runtime's arguments.
 */
export function hostVethName(containerId: string, ifname: string): string {
  return 'nl' + createHash('sha256').update(`${containerId}/${ifname}`).digest('hex').slice(0, 11);
}
