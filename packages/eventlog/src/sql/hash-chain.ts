import * as crypto from 'node:crypto';

/** The stored fields of one event that its hash covers, in a fixed order. */
export interface HashedFields {
  readonly seq: number;
  readonly id: string;
  readonly stream: string;
  readonly version: number;
  readonly type: string;
  readonly schemaVersion: number;
  readonly time: string;
  readonly cause: string;
  readonly data: string;
}

/**
 * Each event commits to the one before it, so changing, removing or reordering any stored
 * event breaks every hash after it. Fields are length-prefixed so no two events can
 * serialize to the same bytes.
 */
export function chainHash(prevHash: string, e: HashedFields): string {
  // One string, one update: the bytes hashed are the same as feeding the parts one by one, at
  // a fraction of the cost (this runs once per appended event, so no array or closure here).
  const seq = String(e.seq);
  const version = String(e.version);
  const schemaVersion = String(e.schemaVersion);
  const text =
    prevHash +
    lp(seq) +
    lp(e.id) +
    lp(e.stream) +
    lp(version) +
    lp(e.type) +
    lp(schemaVersion) +
    lp(e.time) +
    lp(e.cause) +
    lp(e.data);
  return sha256Hex(text);
}

// crypto.hash (Node 20.12+) hashes in one call without a Hash object: about a third cheaper per
// event than createHash().update().digest(), for the same bytes.
const sha256Hex: (text: string) => string =
  typeof crypto.hash === 'function'
    ? (text) => crypto.hash('sha256', text, 'hex')
    : (text) => crypto.createHash('sha256').update(text).digest('hex');

/** A field, length-prefixed. */
function lp(f: string): string {
  return f.length + ':' + f;
}
