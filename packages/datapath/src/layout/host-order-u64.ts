import { endianness } from 'node:os';

// 64-bit counters, timestamps and cookies sit in the maps in the host's byte order.
const LITTLE = endianness() === 'LE';

export function writeHostU64(buf: Buffer, value: bigint, offset: number): void {
  if (LITTLE) buf.writeBigUInt64LE(value, offset);
  else buf.writeBigUInt64BE(value, offset);
}

export function readHostU64(buf: Buffer, offset: number): bigint {
  return LITTLE ? buf.readBigUInt64LE(offset) : buf.readBigUInt64BE(offset);
}
