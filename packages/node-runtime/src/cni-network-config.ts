import { parseCniConfig } from '@netledger/cni';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { CniConfigError } from './node-runtime-errors.js';

/** The netledger-cni network configuration (what the runtime sends on the plugin's stdin). */
export interface CniNetworkConfig {
  readonly cniVersion: string;
  readonly name: string;
  readonly type: string;
  readonly podCIDR: string;
  readonly routerIP?: string;
  readonly ipamDir: string;
  readonly stateDir: string;
  readonly bpfPinDir: string;
  readonly mtu?: number;
  readonly [field: string]: unknown;
}

/** The local stack's network config for one node. */
export function buildCniNetworkConfig(settings: {
  podCidr: string;
  routerIp: string;
  ipamDir: string;
  stateDir: string;
  bpfPinDir: string;
  mtu?: number;
}): CniNetworkConfig {
  return {
    cniVersion: '1.0.0',
    name: 'netledger',
    type: 'netledger-cni',
    podCIDR: settings.podCidr,
    routerIP: settings.routerIp,
    ipamDir: settings.ipamDir,
    stateDir: settings.stateDir,
    bpfPinDir: settings.bpfPinDir,
    mtu: settings.mtu ?? 1500,
  };
}

/** Reads a network config file and checks it as netledger-cni does (CniConfigError naming the field). */
export function readCniNetworkConfig(path: string): CniNetworkConfig & { readonly routerIP: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new CniConfigError(path, '(file)', `cannot be read as JSON: ${(e as Error).message}`);
  }
  // The plugin's own validation, so the runtime never starts with a config every ADD would refuse.
  let checked: ReturnType<typeof parseCniConfig>;
  try {
    checked = parseCniConfig(parsed);
  } catch (e) {
    throw new CniConfigError(path, '(content)', (e as Error).message);
  }
  // Defaults the plugin applies are written out, so readers of the file see what the plugin uses.
  return { ...(parsed as CniNetworkConfig), routerIP: checked.routerIP, ipamDir: checked.ipamDir, stateDir: checked.stateDir };
}

/** Writes the config atomically (a plugin run concurrently never reads half of it). */
export function writeCniNetworkConfig(path: string, config: CniNetworkConfig): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(config, null, 2)}\n`);
  renameSync(tmp, path);
}
