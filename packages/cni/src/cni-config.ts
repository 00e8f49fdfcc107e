import { isAbsolute } from 'node:path';
import { CNI_ERROR_CODES, CniError } from './cni-error.js';
import { requireSupportedVersion, type CniVersion } from './cni-version.js';
import { cidrContains, formatIpv4, parseIpv4, parseIpv4Cidr, type Ipv4Cidr } from './ipv4.js';

/** The network configuration netledger-cni reads on stdin, validated and defaulted. */
export interface CniNetworkConfig {
  readonly cniVersion: CniVersion;
  readonly name: string;
  readonly type: string;
  readonly podCIDR: Ipv4Cidr;
  /** The node's address on the pod network (the `nl_host` dummy); default: the first host address. */
  readonly routerIP: string;
  /** One file per allocated address. */
  readonly ipamDir: string;
  /** `<stateDir>/endpoints/<containerId>.json`: the registrations the node agent follows. */
  readonly stateDir: string;
  /** Where the node agent pins the datapath (programs under `progs/`). */
  readonly bpfPinDir: string;
  readonly mtu: number;
  /** The runtime's copy of the previous ADD result (CHECK, DEL), as given. */
  readonly prevResult: unknown;
}

export const CNI_CONFIG_DEFAULTS = Object.freeze({
  ipamDir: '/var/lib/netledger/ipam',
  stateDir: '/run/netledger/cni',
  mtu: 1500,
});

// The spec's pattern for network names (and container ids).
const NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;
// A pod CIDR needs room for the network, router, broadcast and at least one pod.
const MAX_POD_PREFIX = 30;

/** Parses the JSON text on stdin (code 6 when it is not JSON) and validates it. */
export function parseCniConfigText(text: string): CniNetworkConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new CniError(CNI_ERROR_CODES.DECODE_FAILURE, `network config on stdin is not JSON: ${(e as Error).message}`);
  }
  return parseCniConfig(raw);
}

/**
 * Validates a network configuration object: code 1 for an unsupported `cniVersion`, code 7
 * naming the field for anything else. Unknown fields (args, runtimeConfig, capabilities, ...)
 * are ignored, as chained plugins expect.
 */
export function parseCniConfig(raw: unknown): CniNetworkConfig {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) invalid('network config is not a JSON object');
  const r = raw as Record<string, unknown>;
  if (r['cniVersion'] === undefined) invalid('cniVersion: missing');
  const cniVersion = requireSupportedVersion(r['cniVersion']);

  const name = requiredString(r, 'name');
  if (!NAME.test(name)) invalid(`name: ${JSON.stringify(name)} is not a network name (letters, digits, _ . -; starting with a letter or digit)`);
  const type = requiredString(r, 'type');

  const cidrText = requiredString(r, 'podCIDR');
  const podCIDR = parseIpv4Cidr(cidrText);
  if (typeof podCIDR === 'string') invalid(`podCIDR: ${JSON.stringify(cidrText)} ${podCIDR}`);
  if (podCIDR.prefixLength > MAX_POD_PREFIX) {
    invalid(`podCIDR: ${JSON.stringify(cidrText)} is too small (at most /${MAX_POD_PREFIX}: network, router, broadcast and a pod)`);
  }
  const routerIP = parseRouterIp(r, podCIDR);

  return Object.freeze({
    cniVersion,
    name,
    type,
    podCIDR: Object.freeze(podCIDR),
    routerIP,
    ipamDir: optionalPath(r, 'ipamDir') ?? CNI_CONFIG_DEFAULTS.ipamDir,
    stateDir: optionalPath(r, 'stateDir') ?? CNI_CONFIG_DEFAULTS.stateDir,
    bpfPinDir: requiredPath(r, 'bpfPinDir'),
    mtu: parseMtu(r),
    prevResult: r['prevResult'],
  });
}

function parseRouterIp(r: Record<string, unknown>, podCIDR: Ipv4Cidr): string {
  const value = r['routerIP'];
  if (value === undefined) return formatIpv4(podCIDR.network + 1);
  if (typeof value !== 'string') invalid(`routerIP: ${JSON.stringify(value)} is not a string`);
  const addr = parseIpv4(value);
  if (addr === undefined) invalid(`routerIP: ${JSON.stringify(value)} is not an IPv4 address`);
  const last = podCIDR.network + podCIDR.size - 1;
  if (!cidrContains(podCIDR, addr) || addr === podCIDR.network || addr === last) {
    invalid(`routerIP: ${JSON.stringify(value)} is not a host address of podCIDR ${podCIDR.text}`);
  }
  return formatIpv4(addr);
}

function parseMtu(r: Record<string, unknown>): number {
  const value = r['mtu'];
  if (value === undefined) return CNI_CONFIG_DEFAULTS.mtu;
  // 68 is the IPv4 minimum; 65535 the largest a veth takes.
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 68 || value > 65535) {
    invalid(`mtu: ${JSON.stringify(value)} is not an integer from 68 to 65535`);
  }
  return value;
}

function requiredString(r: Record<string, unknown>, field: string): string {
  const value = r[field];
  if (value === undefined) invalid(`${field}: missing`);
  if (typeof value !== 'string' || value === '') invalid(`${field}: ${JSON.stringify(value)} is not a non-empty string`);
  return value;
}

function requiredPath(r: Record<string, unknown>, field: string): string {
  const value = requiredString(r, field);
  if (!isAbsolute(value)) invalid(`${field}: ${JSON.stringify(value)} is not an absolute path`);
  return value;
}

function optionalPath(r: Record<string, unknown>, field: string): string | undefined {
  return r[field] === undefined ? undefined : requiredPath(r, field);
}

function invalid(message: string): never {
  throw new CniError(CNI_ERROR_CODES.INVALID_CONFIG, message);
}
