import {
  formatColumns,
  formatEndpointList,
  formatIpcacheList,
  formatLbList,
  formatPolicyList,
  protocolName,
  MAP_NAMES,
  policyMapName,
  type DatapathMaps,
} from '@netledger/datapath';


/**
 * Every map of a node as text, each section the table `netledger bpf ...` prints for it
 * (ipcache list, endpoint list, policy get per endpoint, lb list), plus the backends and
 * reverse-NAT maps in full so an entry no slot names still shows. Sorted by the formatters, so
 * the same contents give the same text whatever order a map dumps in (kernel hash maps don't
 * keep one).
 */
export function dumpDatapath(maps: DatapathMaps): string {
  const endpoints = maps.endpoints.dump();
  const policyIds = maps.policyMapIds();
  const addresses = new Map<number, string[]>();
  for (const e of endpoints) addresses.set(e.value.endpointId, [...(addresses.get(e.value.endpointId) ?? []), e.key.ip]);
  const sections = [
    section(`ipcache (${MAP_NAMES.ipcache})`, formatIpcacheList(maps.ipcache.dump())),
    section(`endpoints (${MAP_NAMES.endpoints})`, formatEndpointList(endpoints, policyIds)),
    ...policyIds.map((id) => section(`policy ${policyMapName(id)} (${addresses.get(id)?.sort().join(', ') ?? 'no endpoint entry'})`, formatPolicyList(maps.policy(id).dump()))),
    section(`lb (${MAP_NAMES.lb4Services})`, formatLbList(maps.lb4Services.dump(), maps.lb4Backends.dump())),
    section(
      `lb backends (${MAP_NAMES.lb4Backends})`,
      formatColumns(
        ['BACKEND ID', 'ADDRESS', 'STATE'],
        maps.lb4Backends
          .dump()
          .sort((a, b) => a.key.backendId - b.key.backendId)
          .map(({ key, value }) => [String(key.backendId), `${value.address}:${value.port}/${protocolName(value.protocol)}`, value.state]),
      ),
    ),
    section(
      `lb reverse NAT (${MAP_NAMES.lb4RevNat})`,
      formatColumns(
        ['REVNAT ID', 'ADDRESS'],
        maps.lb4RevNat
          .dump()
          .sort((a, b) => a.key.revNatIndex - b.key.revNatIndex)
          .map(({ key, value }) => [String(key.revNatIndex), `${value.address}:${value.port}`]),
      ),
    ),
  ];
  return sections.join('\n');
}

function section(title: string, body: string): string {
  return `== ${title}\n${body}\n`;
}

