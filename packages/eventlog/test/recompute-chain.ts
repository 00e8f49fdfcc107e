import { chainHash, GENESIS_HASH } from '@netledger/eventlog';

/** An event as stored: `schemaVersion` and `data` as written, before any upcasting on read. */
export interface StoredEvent {
  readonly seq: number;
  readonly id: string;
  readonly stream: string;
  readonly version: number;
  readonly type: string;
  readonly schemaVersion: number;
  readonly time: string;
  readonly cause: unknown;
  readonly data: unknown;
}

/**
 * The hash an auditor gets by replaying the chain over events read back from the log. The log
 * stores cause and data as the JSON.stringify of what was appended, and JSON.parse keeps key
 * order, so stringifying what a read returns gives the stored text back.
 */
export function recomputeChain(events: readonly StoredEvent[]): string {
  let hash = GENESIS_HASH;
  for (const e of events) {
    hash = chainHash(hash, {
      seq: e.seq,
      id: e.id,
      stream: e.stream,
      version: e.version,
      type: e.type,
      schemaVersion: e.schemaVersion,
      time: e.time,
      cause: JSON.stringify(e.cause),
      data: JSON.stringify(e.data),
    });
  }
  return hash;
}
