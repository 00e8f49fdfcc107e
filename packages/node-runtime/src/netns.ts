import { createHash } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { runCommand } from './run-command.js';
import { ipCommand } from './ip-command.js';

/** Where `ip netns` keeps its named namespaces (bind mounts). */
export const NETNS_DIR = '/var/run/netns';

/** Prefix of every pod network namespace the runtime creates. */
export const POD_NETNS_PREFIX = 'nl-';

/**
 * Name of a pod's network namespace: `nl-` and the first 12 hex digits of
 * sha256(namespace/name/uid). The uid keeps a recreated pod of the same name apart.
 */
export function netnsNameFor(namespace: string, name: string, uid: string): string {
  return POD_NETNS_PREFIX + createHash('sha256').update(`${namespace}/${name}/${uid}`).digest('hex').slice(0, 12);
}

/** Path of a named network namespace (what CNI_NETNS carries). */
export function netnsPath(name: string): string {
  return join(NETNS_DIR, name);
}

/** The name of a namespace given by name or by its /var/run/netns path. */
export function netnsNameOf(nameOrPath: string): string {
  return nameOrPath.startsWith(`${NETNS_DIR}/`) ? nameOrPath.slice(NETNS_DIR.length + 1) : nameOrPath;
}

export function netnsExists(name: string): boolean {
  return existsSync(netnsPath(name));
}

/** Pod namespaces present on this machine (any runtime's). */
export function listPodNetns(): string[] {
  try {
    return readdirSync(NETNS_DIR).filter((n) => n.startsWith(POD_NETNS_PREFIX));
  } catch {
    return [];
  }
}

/** Creates the namespace (kept when it exists) with its loopback up, as the loopback CNI plugin would. */
export async function addNetns(name: string): Promise<void> {
  if (!netnsExists(name)) await runCommand(ipCommand(), ['netns', 'add', name]);
  await runCommand(ipCommand(), ['-n', name, 'link', 'set', 'lo', 'up']);
}

/** Deletes the namespace; a missing one is success. Interfaces inside it go with it. */
export async function deleteNetns(name: string): Promise<void> {
  if (!netnsExists(name)) return;
  await runCommand(ipCommand(), ['netns', 'del', name]);
}
