// The node's BPF maps: layouts mirrored from bpf/include/netledger/maps.h, the DatapathMaps
// port the agent programs, and its two adapters (pinned kernel maps, in-memory).

// Decoded entries, names, capacities, flags
export {
  IPCACHE_FLAGS,
  ENDPOINT_FLAGS,
  IP_PROTOCOL,
  POLICY_PREFIX,
  POLICY_FLAGS,
  SERVICE_FLAGS,
  MAP_NAMES,
  MAP_CAPACITY,
  type IpFamily,
  type IpcacheKey,
  type IpcacheValue,
  type EndpointKey,
  type EndpointValue,
  type PolicyDirection,
  type PolicyKey,
  type PolicyValue,
  type Lb4ServiceKey,
  type Lb4ServiceValue,
  type Lb4BackendKey,
  type Lb4BackendValue,
  type Lb4RevNatKey,
  type Lb4RevNatValue,
  type BackendState,
} from './layout/map-types.js';

// The port
export type { DatapathMap, DatapathMaps, MapEntry } from './map-port.js';

// Codecs (exact bytes, sizes and offsets of each C struct)
export type { StructCodec, StructLayout, FieldLayout } from './layout/struct-codec.js';
export { ipcacheKeyCodec, ipcacheValueCodec, IPCACHE_KEY_LAYOUT, IPCACHE_VALUE_LAYOUT, IPCACHE_PREFIX_BASE } from './layout/ipcache-codec.js';
export { endpointKeyCodec, endpointValueCodec, ENDPOINT_KEY_LAYOUT, ENDPOINT_VALUE_LAYOUT } from './layout/endpoint-codec.js';
export { policyKeyCodec, policyValueCodec, POLICY_KEY_LAYOUT, POLICY_VALUE_LAYOUT, isPolicyPrefixLength } from './layout/policy-codec.js';
export { lb4ServiceKeyCodec, lb4ServiceValueCodec, LB4_SERVICE_KEY_LAYOUT, LB4_SERVICE_VALUE_LAYOUT } from './layout/lb4-service-codec.js';
export { lb4BackendKeyCodec, lb4BackendValueCodec, LB4_BACKEND_KEY_LAYOUT, LB4_BACKEND_VALUE_LAYOUT } from './layout/lb4-backend-codec.js';
export { lb4RevNatKeyCodec, lb4RevNatValueCodec, LB4_REVNAT_KEY_LAYOUT, LB4_REVNAT_VALUE_LAYOUT } from './layout/lb4-revnat-codec.js';
export {
  GLOBAL_MAP_SPECS,
  policyMapName,
  policyMapId,
  policyMapSpec,
  type MapSpec,
  type BpfMapType,
  type GlobalMapName,
  type MapCapacities,
} from './layout/map-specs.js';

// Address text shared with the desired state
export { formatIpv6Groups } from './layout/ip-bytes.js';

// Policy helpers for the desired state
export { portRangeToPrefixes, policyKeyPortRange, type PortPrefix } from './policy/port-range-to-prefixes.js';
export { policyRuleId } from './policy/policy-rule-id.js';

// Adapters
export { MemoryDatapathMaps, type MemoryDatapathMapsOptions } from './memory/memory-datapath-maps.js';
export { MemoryDatapathStore } from './memory/memory-datapath-store.js';
export {
  openPinnedDatapathMaps,
  DEFAULT_PIN_DIR,
  type PinnedDatapathMaps,
  type PinnedDatapathMapsOptions,
} from './pinned/pinned-datapath-maps.js';
export { probePinnedMaps, type PinnedMapsProbe } from './pinned/probe-pinned-maps.js';
export { findBpftool } from './pinned/bpftool.js';

// Errors
export {
  DatapathError,
  MapEntryError,
  MapFullError,
  MapLayoutMismatchError,
  MapNotPinnedError,
  MapOperationError,
  DatapathUnavailableError,
  DatapathClosedError,
  isMapFullError,
} from './datapath-errors.js';

// Map dumps as the CLI prints them
export { formatColumns, protocolName } from './dump/format-columns.js';
export { formatIpcacheList, ipcacheListRows, type IpcacheListRow } from './dump/format-ipcache-list.js';
export { formatPolicyList, policyListRows, type PolicyListRow } from './dump/format-policy-list.js';
export { formatLbList, lbListRows, type LbListRow } from './dump/format-lb-list.js';
export { formatEndpointList, endpointListRows, type EndpointListRow } from './dump/format-endpoint-list.js';
