import { MapEntryError } from '../datapath-errors.js';

/** Where one field of a C struct sits, in bytes. */
export interface FieldLayout {
  readonly offset: number;
  readonly size: number;
}

/** sizeof and offsetof of a C struct in bpf/include/netledger/maps.h, by its C field names. */
export interface StructLayout<F extends string = string> {
  /** The C struct name without `struct`, e.g. `nl_ipcache_key`. */
  readonly struct: string;
  readonly size: number;
  readonly fields: { readonly [K in F]: FieldLayout };
}

/** Turns a decoded key or value into the exact bytes of its C struct, and back. */
export interface StructCodec<T, F extends string = string> {
  readonly layout: StructLayout<F>;
  /** A fresh buffer of `layout.size` bytes; pads are zero. */
  encode(value: T): Buffer;
  decode(bytes: Buffer): T;
}

/** Throws unless `value` is an integer in 0..2^bits-1. */
export function checkUint(struct: string, field: string, value: number, bits: 8 | 16 | 32): number {
  if (!Number.isInteger(value) || value < 0 || value > 2 ** bits - 1) {
    throw new MapEntryError(struct, field, `${String(value)} is not an unsigned ${bits}-bit integer`);
  }
  return value;
}

/** Throws unless `bytes` has exactly the struct's size (a buffer from a map of another layout). */
export function checkSize(layout: StructLayout, bytes: Buffer): void {
  if (bytes.length !== layout.size) {
    throw new MapEntryError(layout.struct, '(size)', `${bytes.length} bytes, expected ${layout.size}`);
  }
}
