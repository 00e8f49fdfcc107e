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
  CT_FLAGS,
  NODE_ADDR_FLAGS,
  CONFIG_FLAGS,
  FLOW_DEFAULT_RATE,
  DROP_REASONS,
  INTERNAL_MAP_NAMES,
  INTERNAL_MAP_CAPACITY,
  dropReasonName,
  type CtScope,
  type Ct4Key,
  type Ct4Entry,
  type Lb4AffinityKey,
  type Lb4AffinityValue,
  type SockRevNatKey,
  type SockRevNatValue,
  type NodeAddrKey,
  type NodeAddrValue,
  type DatapathConfigValue,
  type CounterValue,
  type FlowStateValue,
  type FlowRecord,
  type FlowObservation,
  type Verdict,
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
export { ct4KeyCodec, ct4EntryCodec, CT4_KEY_LAYOUT, CT4_ENTRY_LAYOUT } from './layout/ct4-codec.js';
export { lb4AffinityKeyCodec, lb4AffinityValueCodec, LB4_AFFINITY_KEY_LAYOUT, LB4_AFFINITY_VALUE_LAYOUT } from './layout/lb4-affinity-codec.js';
export { sockRevNatKeyCodec, sockRevNatValueCodec, SOCK_REVNAT_KEY_LAYOUT, SOCK_REVNAT_VALUE_LAYOUT } from './layout/sock-revnat-codec.js';
export { nodeAddrKeyCodec, nodeAddrValueCodec, NODE_ADDR_KEY_LAYOUT, NODE_ADDR_VALUE_LAYOUT } from './layout/node-addr-codec.js';
export { configCodec, CONFIG_LAYOUT } from './layout/config-codec.js';
export { counterCodec, counterSlot, COUNTER_LAYOUT } from './layout/counter-codec.js';
export { decodeFlowRecord, decodeFlowState, encodeFlowState, FLOW_RECORD_LAYOUT, FLOW_STATE_LAYOUT } from './layout/flow-record-codec.js';
export { u32KeyCodec } from './layout/u32-key-codec.js';
export {
  INTERNAL_MAP_SPECS,
  FIXED_CAPACITY_MAPS,
  type InternalMapSpec,
  type InternalMapName,
  type InternalMapCapacities,
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

// Programs: load, attach, node config, telemetry
export { programPaths, type DatapathProgramPaths } from './programs/program-paths.js';
export { loadDatapathPrograms, type LoadDatapathProgramsOptions, type LoadedDatapathPrograms } from './programs/load-datapath-programs.js';
export { attachEndpointPrograms, detachEndpointPrograms } from './programs/attach-endpoint-programs.js';
export { attachHostPrograms, detachHostPrograms } from './programs/attach-host-programs.js';
export { writeNodeConfig, type NodeConfig } from './programs/write-node-config.js';
export { defaultObjectPath } from './programs/default-object-path.js';
export { findCgroup2Mount } from './programs/cgroup-mount.js';
export { ProgramLoadError, ProgramAttachError } from './programs/program-errors.js';
export { runCommand, CommandFailedError } from './programs/run-command.js';
export { openDatapathTelemetry, type DatapathTelemetry, type DatapathCounter } from './telemetry/open-datapath-telemetry.js';

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
