import { isIPv4 } from 'node:net';
import { MapEntryError } from '../datapath-errors.js';
import { configCodec } from '../layout/config-codec.js';
import { FLOW_DEFAULT_RATE, INTERNAL_MAP_NAMES, NODE_ADDR_FLAGS } from '../layout/map-types.js';
import { nodeAddrKeyCodec, nodeAddrValueCodec } from '../layout/node-addr-codec.js';
import { u32KeyCodec } from '../layout/u32-key-codec.js';
import { openPinnedRaw } from '../pinned/open-pinned-raw.js';

export interface NodeConfig {
  /** IPv4 addresses of this node: NodePorts answer on them, traffic from them is host. */
  readonly nodeAddresses: readonly string[];
  /** Flow records per second for the node (default 10,000); 0 turns them off. */
  readonly flowEventsPerSecond?: number;
}

const LOOPBACK = '127.0.0.1';

/**
 * Writes the node-local datapath settings: nl_node_addrs becomes exactly the given IPv4
 * addresses (IPv6 ones are skipped: the datapath is IPv4 only) plus 127.0.0.1, and nl_config
 * the flow rate. The maps must exist (openPinnedDatapathMaps or loadDatapathPrograms made them).
 */
export function writeNodeConfig(pinDir: string, cfg: NodeConfig): void {
  const rate = cfg.flowEventsPerSecond ?? FLOW_DEFAULT_RATE;
  if (!Number.isInteger(rate) || rate < 0 || rate > 0xffffffff) {
    throw new MapEntryError('nl_config', 'flow_events_per_second', `${String(rate)} is not a rate (0..2^32-1 per second)`);
  }
  const wanted = new Map<string, number>();
  for (const a of [...cfg.nodeAddresses, LOOPBACK]) {
    if (!isIPv4(a)) continue;
    wanted.set(a, NODE_ADDR_FLAGS.nodePort | (a.startsWith('127.') ? NODE_ADDR_FLAGS.loopback : 0));
  }
  const addrs = openPinnedRaw(pinDir, INTERNAL_MAP_NAMES.nodeAddrs);
  try {
    for (const [address, flags] of wanted) addrs.raw.set(nodeAddrKeyCodec.encode({ address }), nodeAddrValueCodec.encode({ flags }));
    for (const key of [...addrs.raw.keys()]) {
      if (!wanted.has(nodeAddrKeyCodec.decode(key).address)) addrs.raw.delete(key);
    }
  } finally {
    addrs.close();
  }
  const config = openPinnedRaw(pinDir, INTERNAL_MAP_NAMES.config);
  try {
    const value = configCodec.encode({ flowEventsPerSecond: rate === 0 ? FLOW_DEFAULT_RATE : rate, flags: rate === 0 ? 1 : 0, hostNetnsCookie: 0n });
    config.raw.set(u32KeyCodec.encode(0), value);
  } finally {
    config.close();
  }
}
