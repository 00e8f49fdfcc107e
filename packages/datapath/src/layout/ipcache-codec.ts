import { MapEntryError } from '../datapath-errors.js';
import { readHostU32, writeHostU32 } from './host-order.js';
import { formatIp, maskBits, writeIp, writeIpv4 } from './ip-bytes.js';
import type { IpcacheKey, IpcacheValue, IpFamily } from './map-types.js';
import { checkSize, checkUint, type StructCodec, type StructLayout } from './struct-codec.js';

/** struct nl_ipcache_key. */
export const IPCACHE_KEY_LAYOUT = {
  struct: 'nl_ipcache_key',
  size: 24,
  fields: {
    prefixlen: { offset: 0, size: 4 },
    pad: { offset: 4, size: 3 },
    family: { offset: 7, size: 1 },
    addr: { offset: 8, size: 16 },
  },
} as const satisfies StructLayout;

/** struct nl_ipcache_value. */
export const IPCACHE_VALUE_LAYOUT = {
  struct: 'nl_ipcache_value',
  size: 12,
  fields: {
    identity: { offset: 0, size: 4 },
    tunnel_endpoint: { offset: 4, size: 4 },
    flags: { offset: 8, size: 1 },
    pad: { offset: 9, size: 3 },
  },
} as const satisfies StructLayout;

/** The trie's prefix bits before the address: pad and family (maps.h). */
export const IPCACHE_PREFIX_BASE = 32;

const K = IPCACHE_KEY_LAYOUT.fields;
const V = IPCACHE_VALUE_LAYOUT.fields;

/**
 * ipcache keys: prefixlen = 32 + the address prefix length. Address bits past the prefix are
 * zeroed, so one prefix has one encoding (the trie ignores them; a bytewise compare would not).
 */
export const ipcacheKeyCodec: StructCodec<IpcacheKey, keyof typeof K> = {
  layout: IPCACHE_KEY_LAYOUT,
  encode(key) {
    const buf = Buffer.alloc(IPCACHE_KEY_LAYOUT.size);
    const family = writeIp(key.ip, buf, K.addr.offset, IPCACHE_KEY_LAYOUT.struct, 'addr');
    const max = family === 4 ? 32 : 128;
    if (!Number.isInteger(key.prefixLength) || key.prefixLength < 0 || key.prefixLength > max) {
      throw new MapEntryError(IPCACHE_KEY_LAYOUT.struct, 'prefixlen', `/${String(key.prefixLength)} is not a prefix length of IPv${family}`);
    }
    writeHostU32(buf, IPCACHE_PREFIX_BASE + key.prefixLength, K.prefixlen.offset);
    buf[K.family.offset] = family;
    maskBits(buf, key.prefixLength, K.addr.offset);
    return buf;
  },
  decode(bytes) {
    checkSize(IPCACHE_KEY_LAYOUT, bytes);
    const family = decodeFamily(bytes[K.family.offset]!, IPCACHE_KEY_LAYOUT.struct);
    const addr = bytes.subarray(K.addr.offset, K.addr.offset + (family === 4 ? 4 : 16));
    return { ip: formatIp(family, addr), prefixLength: readHostU32(bytes, K.prefixlen.offset) - IPCACHE_PREFIX_BASE };
  },
};

export const ipcacheValueCodec: StructCodec<IpcacheValue, keyof typeof V> = {
  layout: IPCACHE_VALUE_LAYOUT,
  encode(value) {
    const s = IPCACHE_VALUE_LAYOUT.struct;
    const buf = Buffer.alloc(IPCACHE_VALUE_LAYOUT.size);
    writeHostU32(buf, checkUint(s, 'identity', value.identity, 32), V.identity.offset);
    writeIpv4(value.tunnelEndpoint, buf, V.tunnel_endpoint.offset, s, 'tunnel_endpoint');
    buf[V.flags.offset] = checkUint(s, 'flags', value.flags, 8);
    return buf;
  },
  decode(bytes) {
    checkSize(IPCACHE_VALUE_LAYOUT, bytes);
    return {
      identity: readHostU32(bytes, V.identity.offset),
      tunnelEndpoint: formatIp(4, bytes.subarray(V.tunnel_endpoint.offset)),
      flags: bytes[V.flags.offset]!,
    };
  },
};

/** NL_FAMILY_IPV4/IPV6 from a family byte. */
export function decodeFamily(value: number, struct: string): IpFamily {
  if (value === 4 || value === 6) return value;
  throw new MapEntryError(struct, 'family', `${value} is neither NL_FAMILY_IPV4 (4) nor NL_FAMILY_IPV6 (6)`);
}
