import { endianness } from 'node:os';

// Identities, ids and counts sit in the maps in the host's byte order (the datapath reads them
// as plain integers); addresses and ports are in network order and use the BE methods directly.
const LITTLE = endianness() === 'LE';

export function writeHostU32(buf: Buffer, value: number, offset: number): void {
  if (LITTLE) buf.writeUInt32LE(value, offset);
  else buf.writeUInt32BE(value, offset);
}

export function readHostU32(buf: Buffer, offset: number): number {
  return LITTLE ? buf.readUInt32LE(offset) : buf.readUInt32BE(offset);
}

export function writeHostU16(buf: Buffer, value: number, offset: number): void {
  if (LITTLE) buf.writeUInt16LE(value, offset);
  else buf.writeUInt16BE(value, offset);
}

export function readHostU16(buf: Buffer, offset: number): number {
  return LITTLE ? buf.readUInt16LE(offset) : buf.readUInt16BE(offset);
}
