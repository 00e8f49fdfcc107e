import { readFileSync } from 'node:fs';

/** A host-namespace interface as sysfs shows it. */
export interface LinkInfo {
  readonly name: string;
  readonly ifindex: number;
  readonly mac: string;
  readonly up: boolean;
}

// IFF_UP in /sys/class/net/<dev>/flags.
const IFF_UP = 0x1;

/** The interface in the plugin's (the host's) namespace, or undefined when there is none. */
export function hostLinkInfo(name: string): LinkInfo | undefined {
  const dir = `/sys/class/net/${name}`;
  try {
    const ifindex = Number(readFileSync(`${dir}/ifindex`, 'utf8').trim());
    const mac = readFileSync(`${dir}/address`, 'utf8').trim();
    const flags = Number.parseInt(readFileSync(`${dir}/flags`, 'utf8').trim(), 16);
    return { name, ifindex, mac, up: (flags & IFF_UP) !== 0 };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}
