import { createHash } from 'node:crypto';

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
  const h = createHash('sha256');
  h.update(prevHash);
  for (const f of [String(e.seq), e.id, e.stream, String(e.version), e.type, String(e.schemaVersion), e.time, e.cause, e.data]) {
    h.update(`${f.length}:`);
    h.update(f);
  }
  return h.digest('hex');
}
