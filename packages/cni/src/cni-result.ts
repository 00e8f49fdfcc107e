import { cniVersionAtLeast, type CniVersion } from './cni-version.js';
import { POD_GATEWAY } from './net/pod-network.js';

export interface CniInterface {
  readonly name: string;
  readonly mac?: string;
  /** The netns path for the container's interface; absent for host interfaces. */
  readonly sandbox?: string;
}

export interface CniIpConfig {
  /** "4" or "6": spec 0.3.x and 0.4.0 only (1.0.0 dropped it). */
  readonly version?: '4' | '6';
  readonly address: string;
  readonly gateway?: string;
  /** Index into `interfaces`. */
  readonly interface?: number;
}

export interface CniRoute {
  readonly dst: string;
  readonly gw?: string;
}

/** An ADD result (the spec's Result type, the fields this plugin fills). */
export interface CniResult {
  readonly cniVersion: string;
  readonly interfaces?: readonly CniInterface[];
  readonly ips?: readonly CniIpConfig[];
  readonly routes?: readonly CniRoute[];
  readonly dns?: Readonly<Record<string, unknown>>;
}

export interface AddResultInput {
  readonly cniVersion: CniVersion;
  readonly hostIfname: string;
  readonly hostMac: string;
  readonly ifname: string;
  readonly podMac: string;
  readonly netns: string;
  readonly podIp: string;
}

/** The ADD result: host veth then the container interface (index 1), its /32 and routes via 169.254.1.1. */
export function buildAddResult(r: AddResultInput): CniResult {
  const legacy = !cniVersionAtLeast(r.cniVersion, '1.0.0');
  return {
    cniVersion: r.cniVersion,
    interfaces: [
      { name: r.hostIfname, mac: r.hostMac },
      { name: r.ifname, mac: r.podMac, sandbox: r.netns },
    ],
    ips: [{ ...(legacy ? { version: '4' as const } : {}), address: `${r.podIp}/32`, gateway: POD_GATEWAY, interface: 1 }],
    routes: [{ dst: `${POD_GATEWAY}/32` }, { dst: '0.0.0.0/0', gw: POD_GATEWAY }],
    dns: {},
  };
}
