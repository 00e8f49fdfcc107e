import type { L4Protocol } from '@netledger/policy-engine';
import { UsageError } from '../cli-error.js';

/** A destination port and protocol, from `--dport 80/TCP` (protocol defaults to TCP). */
export interface PortProtocol {
  readonly port: number;
  readonly protocol: L4Protocol;
}

export function parseDport(raw: string | undefined): PortProtocol {
  if (raw === undefined || raw === '') throw new UsageError('--dport PORT/PROTO is required, e.g. --dport 80/TCP');
  const m = /^(\d{1,5})(?:\/(tcp|udp|sctp))?$/i.exec(raw.trim());
  const port = m ? Number(m[1]) : NaN;
  if (!m || port < 1 || port > 65535) throw new UsageError(`--dport ${raw}: expected PORT/PROTO with PORT 1-65535 and PROTO TCP, UDP or SCTP, e.g. 80/TCP`);
  return { port, protocol: (m[2]?.toUpperCase() ?? 'TCP') as L4Protocol };
}

/** `NS/POD`, for --src and --dst. */
export function parsePodRef(flag: string, raw: string): { readonly namespace: string; readonly name: string } {
  const [namespace, name, extra] = raw.split('/');
  if (!namespace || !name || extra !== undefined) throw new UsageError(`--${flag} ${raw}: expected NAMESPACE/POD, e.g. x/a`);
  return { namespace, name };
}

/**
 * `--src-labels K=V,K2=V2`: a security label set. A `k8s:` or `any:` source prefix is dropped;
 * `reserved:NAME` (no value) names a reserved identity, e.g. reserved:world.
 */
export function parseLabelList(flag: string, raw: string): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const item of raw.split(',').map((s) => s.trim())) {
    if (item === '') throw new UsageError(`--${flag} ${raw}: empty label (expected K=V,K2=V2)`);
    const body = item.replace(/^(k8s|any):/, '');
    const eq = body.indexOf('=');
    const key = eq < 0 ? body : body.slice(0, eq);
    if (key === '' || (eq < 0 && !key.startsWith('reserved:'))) throw new UsageError(`--${flag} ${raw}: ${item} is not K=V (or reserved:NAME)`);
    labels[key] = eq < 0 ? '' : body.slice(eq + 1);
  }
  return labels;
}

/** `--namespaces x,y,z`; undefined = every namespace. */
export function parseNamespaceList(raw: string | undefined): readonly string[] | undefined {
  if (raw === undefined) return undefined;
  const list = raw.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (list.length === 0) throw new UsageError(`--namespaces ${raw}: expected a comma-separated list, e.g. x,y,z`);
  return list;
}
