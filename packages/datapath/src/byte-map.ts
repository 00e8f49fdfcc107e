/**
 * One map at the level of bytes, as the kernel sees it. Both adapters implement it; the typed
 * DatapathMap on top encodes and decodes, so both behave the same by construction.
 */
export interface ByteMap {
  readonly name: string;
  readonly capacity: number;
  /** In order; MapFullError (with `written`) at the first new key that does not fit. */
  update(entries: readonly (readonly [Buffer, Buffer])[]): void;
  /** A missing key is success. */
  delete(keys: readonly Buffer[]): void;
  /** Exact match for hash maps, longest prefix match for LPM tries. */
  lookup(key: Buffer): Buffer | undefined;
  /** Every entry, in no particular order. */
  entries(): [Buffer, Buffer][];
  count(): number;
  close(): void;
}
