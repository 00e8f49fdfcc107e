// Compares desired tables with what maps hold, as sorted plain data.
import type { DatapathMaps } from '@netledger/datapath';
import type { DesiredMap } from '../../src/desired/desired-map.js';
import type { NodeDesiredState } from '../../src/desired/node-desired-state.js';

export type Contents = Record<string, Array<[string, unknown]>>;

function sorted(pairs: Array<[string, unknown]>): Array<[string, unknown]> {
  return pairs.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

function ofTable<K, V>(table: DesiredMap<K, V>): Array<[string, unknown]> {
  return sorted([...table.entries()].map((e) => [table.keyOf(e.key), e.value]));
}

/** Every desired table, by map name. */
export function desiredContents(state: NodeDesiredState): Contents {
  const out: Contents = {
    nl_ipcache: ofTable(state.ipcache),
    nl_endpoints: ofTable(state.endpoints),
    nl_lb4_services: ofTable(state.lb4Services),
    nl_lb4_backends: ofTable(state.lb4Backends),
    nl_lb4_reverse_nat: ofTable(state.lb4RevNat),
  };
  for (const id of state.policyMapIds()) out[`nl_policy_${id}`] = ofTable(state.policyTable(id)!);
  return out;
}

/** Every map, keyed the way the desired tables key them. */
export function mapContents(maps: DatapathMaps, state: NodeDesiredState): Contents {
  const dump = <K, V>(map: { dump(): Array<{ key: K; value: V }> }, table: DesiredMap<K, V>): Array<[string, unknown]> =>
    sorted(map.dump().map((e) => [table.keyOf(e.key), e.value]));
  const out: Contents = {
    nl_ipcache: dump(maps.ipcache, state.ipcache),
    nl_endpoints: dump(maps.endpoints, state.endpoints),
    nl_lb4_services: dump(maps.lb4Services, state.lb4Services),
    nl_lb4_backends: dump(maps.lb4Backends, state.lb4Backends),
    nl_lb4_reverse_nat: dump(maps.lb4RevNat, state.lb4RevNat),
  };
  const anyPolicyTable = state.policyTable(state.policyMapIds()[0] ?? -1);
  for (const id of maps.policyMapIds()) {
    const entries = maps.policy(id).dump();
    out[`nl_policy_${id}`] = anyPolicyTable === undefined ? sorted(entries.map((e) => [JSON.stringify(e.key), e.value])) : dump({ dump: () => entries }, anyPolicyTable);
  }
  return out;
}

/**
 * The policy map content per endpoint address, with the endpoint entry (its id left out, since
 * ids depend on history): two states that agree here enforce the same thing.
 */
export function policyByEndpointIp(state: NodeDesiredState): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const e of state.endpoints.entries()) {
    const { endpointId, ...entry } = e.value;
    out[state.endpoints.keyOf(e.key)] = { entry, policy: ofTable(state.policyTable(endpointId)!) };
  }
  return out;
}
