import { SERVICE_FLAGS, type Lb4BackendKey, type Lb4BackendValue, type Lb4ServiceKey, type Lb4ServiceValue } from '../layout/map-types.js';
import type { MapEntry } from '../map-port.js';
import { compareIp, formatColumns, protocolName } from './format-columns.js';

/** One frontend of the services map with its slots, as `bpf lb list -o json` prints it. */
export interface LbListRow {
  /** `10.96.0.10:53/UDP`. */
  readonly service: string;
  readonly address: string;
  readonly port: number;
  readonly protocol: string;
  /** From the master entry (slot 0); undefined when the frontend has no master entry. */
  readonly master: { readonly revNatIndex: number; readonly count: number; readonly flags: string[]; readonly affinityTimeout: number } | undefined;
  readonly slots: Array<{
    readonly slot: number;
    readonly backendId: number;
    readonly revNatIndex: number;
    /** Undefined when the backends map has no such id. */
    readonly backend: { readonly address: string; readonly port: number; readonly protocol: string; readonly state: string } | undefined;
  }>;
}

const FLAG_LABELS: ReadonlyArray<readonly [number, string]> = [
  [SERVICE_FLAGS.clusterIP, 'ClusterIP'],
  [SERVICE_FLAGS.nodePort, 'NodePort'],
  [SERVICE_FLAGS.externalIP, 'ExternalIPs'],
  [SERVICE_FLAGS.loadBalancer, 'LoadBalancer'],
  [SERVICE_FLAGS.affinity, 'sessionAffinity'],
  [SERVICE_FLAGS.localOnly, 'Local'],
];

/** Frontends sorted by address, port and protocol; slots in slot order (0, the master, omitted). */
export function lbListRows(
  services: readonly MapEntry<Lb4ServiceKey, Lb4ServiceValue>[],
  backends: readonly MapEntry<Lb4BackendKey, Lb4BackendValue>[],
): LbListRow[] {
  const backendById = new Map(backends.map((b) => [b.key.backendId, b.value]));
  const frontends = new Map<string, { key: Lb4ServiceKey; entries: MapEntry<Lb4ServiceKey, Lb4ServiceValue>[] }>();
  for (const e of services) {
    const id = `${e.key.address}:${e.key.port}/${e.key.protocol}`;
    const f = frontends.get(id) ?? { key: e.key, entries: [] };
    f.entries.push(e);
    frontends.set(id, f);
  }
  return [...frontends.values()]
    .sort((a, b) => compareIp(a.key.address, b.key.address) || a.key.port - b.key.port || a.key.protocol - b.key.protocol)
    .map(({ key, entries }) => {
      const master = entries.find((e) => e.key.slot === 0)?.value;
      return {
        service: `${key.address}:${key.port}/${protocolName(key.protocol)}`,
        address: key.address,
        port: key.port,
        protocol: protocolName(key.protocol),
        master: master && {
          revNatIndex: master.revNatIndex,
          count: master.count,
          flags: FLAG_LABELS.filter(([bit]) => (master.flags & bit) !== 0).map(([, label]) => label),
          affinityTimeout: master.backendId,
        },
        slots: entries
          .filter((e) => e.key.slot > 0)
          .sort((a, b) => a.key.slot - b.key.slot)
          .map((e) => {
            const b = backendById.get(e.value.backendId);
            return {
              slot: e.key.slot,
              backendId: e.value.backendId,
              revNatIndex: e.value.revNatIndex,
              backend: b && { address: b.address, port: b.port, protocol: protocolName(b.protocol), state: b.state },
            };
          }),
      };
    });
}

/**
 * `SERVICE ADDRESS   BACKEND ADDRESS (REVNAT_ID) (SLOT)`, one line per slot like
 * `cilium bpf lb list`: the master entry as `0.0.0.0:0 (id) (0) [ClusterIP, ...]`, then each
 * backend slot.
 */
export function formatLbList(
  services: readonly MapEntry<Lb4ServiceKey, Lb4ServiceValue>[],
  backends: readonly MapEntry<Lb4BackendKey, Lb4BackendValue>[],
): string {
  const lines: string[][] = [];
  for (const r of lbListRows(services, backends)) {
    const m = r.master;
    if (m) {
      const flags = m.flags.map((f) => (f === 'sessionAffinity' ? `${f}=${m.affinityTimeout}s` : f));
      lines.push([r.service, `0.0.0.0:0 (${m.revNatIndex}) (0) [${flags.join(', ')}]`]);
    }
    for (const s of r.slots) {
      const b = s.backend;
      const address = b ? `${b.address}:${b.port}/${b.protocol}` : `backend ${s.backendId} missing`;
      const state = b && b.state !== 'active' ? ` [${b.state}]` : '';
      lines.push([r.service, `${address} (${s.revNatIndex}) (${s.slot})${state}`]);
    }
  }
  return formatColumns(['SERVICE ADDRESS', 'BACKEND ADDRESS (REVNAT_ID) (SLOT)'], lines);
}
