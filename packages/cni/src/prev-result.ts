import { CNI_ERROR_CODES, CniError } from './cni-error.js';

/** What a previous ADD result says about the container interface. */
export interface PrevResultExpectation {
  /** The address without its prefix length. */
  readonly ip: string | undefined;
  readonly mac: string | undefined;
}

/**
 * Reads the container interface (the one named `ifname` with a sandbox) and its address out of
 * `prevResult`; undefined when there is no prevResult. Code 7 when it is not a Result.
 */
export function expectationFromPrevResult(prevResult: unknown, ifname: string): PrevResultExpectation | undefined {
  if (prevResult === undefined || prevResult === null) return undefined;
  if (typeof prevResult !== 'object' || Array.isArray(prevResult)) invalid('prevResult: not a JSON object');
  const r = prevResult as { interfaces?: unknown; ips?: unknown };
  const interfaces = Array.isArray(r.interfaces) ? (r.interfaces as unknown[]) : [];
  const index = interfaces.findIndex((i) => isObject(i) && i['name'] === ifname && typeof i['sandbox'] === 'string' && i['sandbox'] !== '');
  const iface = index >= 0 ? (interfaces[index] as Record<string, unknown>) : undefined;
  if (!Array.isArray(r.ips)) invalid('prevResult.ips: not a list');
  const ipEntry = (r.ips as unknown[]).find((e) => isObject(e) && (index < 0 || e['interface'] === index)) as Record<string, unknown> | undefined;
  const address = ipEntry?.['address'];
  if (ipEntry !== undefined && typeof address !== 'string') invalid(`prevResult.ips: ${JSON.stringify(ipEntry)} has no address`);
  return {
    ip: typeof address === 'string' ? (address.split('/')[0] ?? address) : undefined,
    mac: typeof iface?.['mac'] === 'string' ? (iface['mac'] as string) : undefined,
  };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function invalid(message: string): never {
  throw new CniError(CNI_ERROR_CODES.INVALID_CONFIG, message);
}
