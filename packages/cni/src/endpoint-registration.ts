import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** What ADD tells the node agent about a pod interface: `<stateDir>/endpoints/<containerId>.json`. */
export interface EndpointRegistration {
  readonly containerId: string;
  readonly ifname: string;
  readonly netns: string;
  readonly hostIfname: string;
  readonly hostIfindex: number;
  readonly ip: string;
  /** The pod interface's MAC. */
  readonly mac: string;
  readonly hostMac: string;
  readonly podNamespace: string;
  readonly podName: string;
  readonly createdAt: string;
}

/** The file of a container's registration. */
export function registrationPath(stateDir: string, containerId: string): string {
  return join(stateDir, 'endpoints', `${containerId}.json`);
}

/**
 * Writes the registration atomically (a temp file renamed over it): the agent, which reads
 * every `*.json` in the directory, never sees half a file. The temp name does not end in .json.
 */
export function writeRegistration(stateDir: string, reg: EndpointRegistration): void {
  const dir = join(stateDir, 'endpoints');
  mkdirSync(dir, { recursive: true });
  const tmp = join(dir, `.${reg.containerId}.${randomBytes(4).toString('hex')}.tmp`);
  writeFileSync(tmp, JSON.stringify(reg, null, 2) + '\n');
  try {
    renameSync(tmp, registrationPath(stateDir, reg.containerId));
  } catch (e) {
    removeQuietly(tmp);
    throw e;
  }
}

/** The container's registration, or undefined when there is none (or it does not parse). */
export function readRegistration(stateDir: string, containerId: string): EndpointRegistration | undefined {
  try {
    return JSON.parse(readFileSync(registrationPath(stateDir, containerId), 'utf8')) as EndpointRegistration;
  } catch {
    return undefined;
  }
}

/** Removes the registration when it is this interface's (another ifname of the same container keeps its own). */
export function removeRegistration(stateDir: string, containerId: string, ifname: string): boolean {
  const reg = readRegistration(stateDir, containerId);
  if (reg && reg.ifname !== ifname) return false;
  return removeQuietly(registrationPath(stateDir, containerId));
}

function removeQuietly(path: string): boolean {
  try {
    unlinkSync(path);
    return true;
  } catch {
    return false;
  }
}
