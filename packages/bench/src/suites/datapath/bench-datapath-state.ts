import {
  ENDPOINT_FLAGS,
  IP_PROTOCOL,
  IPCACHE_FLAGS,
  POLICY_FLAGS,
  POLICY_PREFIX,
  SERVICE_FLAGS,
  policyRuleId,
  type DatapathMaps,
  type Lb4BackendKey,
  type Lb4BackendValue,
  type Lb4RevNatKey,
  type Lb4RevNatValue,
  type Lb4ServiceKey,
  type Lb4ServiceValue,
  type MapEntry,
} from '@netledger/datapath';
import type { BenchNetwork } from './bench-network.js';

/** Identities the bench gives its pods (the first cluster-scoped ones). */
export const BENCH_IDENTITY = { client: 256, server: 257 } as const;
const ENDPOINT_ID = { client: 1, server: 2 } as const;
/** rule_id of the client's egress allow (flow records of the measured path carry it). */
export const BENCH_ALLOW_RULE_ID = policyRuleId('NetworkPolicy/datapath-bench/client', 'egress[0]');

/** The measured ClusterIP: service (and rev-NAT) id 1, its one backend the server pod. */
export interface MeasuredService {
  readonly ip: string;
  readonly port: number;
  readonly targetPort: number;
}

/** The port of every ClusterIP the bench writes. */
export const CLUSTER_IP_PORT = 80;
const FILLER_TARGET_PORT = 8080;
/** Filler backends are addresses nothing answers on: they only take room in the maps. */
const FILLER_BACKEND_NET = [10, 214] as const;

/**
 * Writes what an agent would for the two pods: their endpoints (with host ifindex; the client
 * egress-enforced), their ipcache entries, and the client's policy map: default deny on egress
 * and an allow of the server's identity on the target port, so every new connection of the
 * measured path goes through the policy lookup.
 */
export function writeBenchPods(maps: DatapathMaps, net: BenchNetwork, targetPort: number): void {
  const { client, server } = net;
  maps.ipcache.update([
    { key: { ip: client.ip, prefixLength: 32 }, value: { identity: BENCH_IDENTITY.client, tunnelEndpoint: '0.0.0.0', flags: IPCACHE_FLAGS.local } },
    { key: { ip: server.ip, prefixLength: 32 }, value: { identity: BENCH_IDENTITY.server, tunnelEndpoint: '0.0.0.0', flags: IPCACHE_FLAGS.local } },
  ]);
  maps.policy(ENDPOINT_ID.client).update([
    { key: { direction: 'egress', identity: 0, protocol: 0, port: 0, prefixLength: POLICY_PREFIX.direction }, value: { action: 'deny', flags: POLICY_FLAGS.default, ruleId: 0 } },
    {
      key: { direction: 'egress', identity: BENCH_IDENTITY.server, protocol: IP_PROTOCOL.TCP, port: targetPort, prefixLength: POLICY_PREFIX.full },
      value: { action: 'allow', flags: 0, ruleId: BENCH_ALLOW_RULE_ID },
    },
  ]);
  // Endpoints last: an enforced endpoint is only ever seen with its policy in place.
  maps.endpoints.update([
    { key: { ip: client.ip }, value: { endpointId: ENDPOINT_ID.client, identity: BENCH_IDENTITY.client, ifindex: client.hostIfindex, flags: ENDPOINT_FLAGS.egressEnforced } },
    { key: { ip: server.ip }, value: { endpointId: ENDPOINT_ID.server, identity: BENCH_IDENTITY.server, ifindex: server.hostIfindex, flags: 0 } },
  ]);
}

/** Entries of the LB maps for some services, in the order they are written. */
interface ServiceEntries {
  readonly backends: MapEntry<Lb4BackendKey, Lb4BackendValue>[];
  readonly revNat: MapEntry<Lb4RevNatKey, Lb4RevNatValue>[];
  readonly services: MapEntry<Lb4ServiceKey, Lb4ServiceValue>[];
}

function addService(out: ServiceEntries, id: number, ip: string, port: number, backends: ReadonlyArray<{ id: number; ip: string; port: number }>): void {
  for (const b of backends) out.backends.push({ key: { backendId: b.id }, value: { address: b.ip, port: b.port, protocol: IP_PROTOCOL.TCP, state: 'active' } });
  out.revNat.push({ key: { revNatIndex: id }, value: { address: ip, port } });
  backends.forEach((b, i) => {
    out.services.push({ key: { address: ip, port, protocol: IP_PROTOCOL.TCP, slot: i + 1 }, value: { backendId: b.id, count: 0, revNatIndex: id, flags: 0 } });
  });
  // The master after its slots, as the agent orders them: it never names a slot not yet there.
  out.services.push({
    key: { address: ip, port, protocol: IP_PROTOCOL.TCP, slot: 0 },
    value: { backendId: 0, count: backends.length, revNatIndex: id, flags: SERVICE_FLAGS.clusterIP },
  });
}

function writeServices(maps: DatapathMaps, entries: ServiceEntries): void {
  maps.lb4Backends.update(entries.backends);
  maps.lb4RevNat.update(entries.revNat);
  maps.lb4Services.update(entries.services);
}

// Masters go first, so no master ever names a slot already deleted.
function deleteServices(maps: DatapathMaps, entries: ServiceEntries): void {
  maps.lb4Services.delete(entries.services.map((e) => e.key).sort((a, b) => a.slot - b.slot));
  maps.lb4RevNat.delete(entries.revNat.map((e) => e.key));
  maps.lb4Backends.delete(entries.backends.map((e) => e.key));
}

/** The measured service: `ip:80` -> the server pod on `targetPort`. */
export function writeMeasuredService(maps: DatapathMaps, net: BenchNetwork, service: MeasuredService): void {
  const entries: ServiceEntries = { backends: [], revNat: [], services: [] };
  addService(entries, 1, service.ip, service.port, [{ id: 1, ip: net.server.ip, port: service.targetPort }]);
  writeServices(maps, entries);
}

/** ClusterIP of filler service k (1-based): 10.96.0.16 + k, clear of the measured 10.96.0.10. */
export function fillerServiceIp(k: number): string {
  const n = 16 + k;
  return `10.96.${(n >> 8) & 255}.${n & 255}`;
}

/** The measured service's ClusterIP, below every filler's. */
export const MEASURED_SERVICE_IP = '10.96.0.10';

/**
 * Takes the LB maps from `current` services to `wanted` (both counting the measured one) by
 * adding or deleting fillers: filler k (1-based, service id k + 1) is ClusterIP
 * fillerServiceIp(k):80 with 1 to 3 backends in 10.214.0.0/16. Its entries follow from k alone,
 * so any sequence of counts leaves the maps as writing the last one at once would.
 */
export function setFillerServices(maps: DatapathMaps, current: number, wanted: number): void {
  const entries: ServiceEntries = { backends: [], revNat: [], services: [] };
  for (let k = Math.max(1, Math.min(current, wanted)); k < Math.max(current, wanted); k++) {
    // Three backend ids reserved per filler (ids from 2: 1 is the measured backend).
    const backends = Array.from({ length: 1 + (k % 3) }, (_, b) => {
      const id = 2 + 3 * (k - 1) + b;
      return { id, ip: `${FILLER_BACKEND_NET[0]}.${FILLER_BACKEND_NET[1]}.${(id >> 8) & 255}.${id & 255}`, port: FILLER_TARGET_PORT };
    });
    addService(entries, k + 1, fillerServiceIp(k), CLUSTER_IP_PORT, backends);
  }
  if (wanted > current) writeServices(maps, entries);
  else if (wanted < current) deleteServices(maps, entries);
}
