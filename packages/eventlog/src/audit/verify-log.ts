import { chainHash, type HashedFields } from '../sql/hash-chain.js';
import { GENESIS_HASH } from '../sql/migrate.js';
import type { StoredEventRow, StoredEventSource, StoredLogHead } from './stored-event-source.js';
import { storedEvents } from './stored-events.js';

/** What was wrong with the first bad event: its content, its presence, or its place. */
export type LogProblemKind = 'changed' | 'removed' | 'reordered';

/** The first event (lowest seq) at which the stored log stops matching its hash chain. */
export interface LogProblem {
  readonly kind: LogProblemKind;
  readonly seq: number;
  /** The event's id when a row is there (not for a removed one). */
  readonly eventId?: string;
  readonly detail: string;
}

/** The outcome of verifying one log. */
export interface LogVerification {
  readonly location: string;
  readonly ok: boolean;
  /** Rows read. */
  readonly events: number;
  readonly lastSeq: number;
  /** The hash of the last stored row (the chain's head as recomputed: GENESIS_HASH for an empty log). */
  readonly headHash: string;
  /** When retention removed the start of the log: the last removed seq, where the chain was checked from. */
  readonly prunedThrough?: number;
  /** Rows or gaps that failed a check (the first is `problem`; later ones often follow from it). */
  readonly failures: number;
  readonly problem?: LogProblem;
}

export interface VerifyOptions {
  /** Rows per page read (default 5000). */
  readonly pageSize?: number;
}

// Rows kept after the first failure to tell a moved row from a changed one; a swap of two rows
// fails at both places and just after each, so a few suffice. Bounded so a log rewritten from
// the start does not fill memory.
const KEPT_FAILURES = 256;

interface Failure {
  readonly seq: number;
  /** Stored hash of the row before it: the hash it was checked against. */
  readonly prevHash: string;
  readonly hash: string;
}

/**
 * Re-reads a whole log in seq order, page by page, and checks every row against the hash chain:
 * each row's stored hash must be chainHash(stored hash of the row before, its fields), seqs must
 * run 1, 2, 3... with no gap, and the last row must be the log head (read before the scan).
 * Each row is checked against the stored hash before it (not the recomputed one), so one changed
 * row fails alone and the rows after it still verify: the first failure names the event itself.
 *
 * Snapshots live in their own table and are not part of the chain: saving or deleting one never
 * affects verification (a snapshot is checked by rebuilding, not here).
 *
 * After retention (pruneBefore) the chain starts at the log's marker instead of genesis: the
 * first kept row must be the marker's seq + 1 and chain from the marker's hash (the removed
 * event's stored hash). Rows removed past the marker show as removed at the marker's seq + 1;
 * a marker that was changed, or that does not belong to the rows, fails there as changed.
 */
export async function verifyLog(source: StoredEventSource, options: VerifyOptions = {}): Promise<LogVerification> {
  const marker = await source.retention();
  const start = marker?.throughSeq ?? 0;
  let prevHash = marker?.throughHash ?? GENESIS_HASH;
  let expected = start + 1;
  let events = 0;
  let failures = 0;
  // The first failure, in seq order: a gap is a problem at once; a hash failure is classified
  // at the end, when the failures after it are known.
  let first: LogProblem | { readonly row: StoredEventRow } | undefined;
  const kept: Failure[] = [];
  const fail = (f: Failure): void => {
    failures++;
    if (kept.length < KEPT_FAILURES) kept.push(f);
  };

  // The head first: events appended while the scan runs (the stack may be up) lie beyond it and
  // are left for the next run, instead of looking like events missing before a newer head.
  const head = await source.head();
  if (marker && marker.throughSeq > head.lastSeq) {
    return {
      location: source.location,
      ok: false,
      events: 0,
      lastSeq: head.lastSeq,
      headHash: head.lastHash,
      prunedThrough: marker.throughSeq,
      failures: 1,
      problem: {
        kind: 'changed',
        seq: marker.throughSeq,
        detail: `the retention marker says events up to seq ${marker.throughSeq} were removed, but the log head is at seq ${head.lastSeq}: the marker was changed`,
      },
    };
  }
  for await (const row of storedEvents(source, options.pageSize, start)) {
    const seq = Number(row.seq);
    if (seq > head.lastSeq) break;
    events++;
    if (seq !== expected) {
      fail({ seq: expected, prevHash, hash: '' });
      // Right after a retention marker, a gap is rows removed without moving the marker.
      const pruned = marker && expected === start + 1 ? ` after the retention marker (events up to seq ${start} were removed by retention)` : '';
      first ??= {
        kind: 'removed',
        seq: expected,
        detail:
          seq - expected === 1
            ? `event ${expected} is missing${pruned} (the next stored seq is ${seq})`
            : `events ${expected}..${seq - 1} are missing${pruned} (the next stored seq is ${seq})`,
      };
      // The row after a gap cannot match its chain: the gap is the failure, counted once.
    } else if (chainHash(prevHash, hashedFields(row)) !== row.hash) {
      fail({ seq, prevHash, hash: row.hash });
      first ??= { row };
    }
    prevHash = row.hash;
    expected = seq + 1;
  }

  const lastSeq = expected - 1;
  const headProblem = checkHead(head, lastSeq, prevHash);
  if (headProblem) failures++;
  let problem = first && 'row' in first ? classify(first.row, kept) : (first ?? headProblem);
  if (marker && problem?.kind === 'changed' && problem.seq === start + 1) {
    problem = {
      ...problem,
      detail: `${problem.detail.replace(/: its fields.*$/, '')}: it does not chain from the retention marker (events up to seq ${start} removed, last hash ${marker.throughHash.slice(0, 12)}…): the marker or this event was changed`,
    };
  }

  return {
    location: source.location,
    ok: failures === 0,
    events,
    lastSeq,
    headHash: prevHash,
    ...(marker ? { prunedThrough: marker.throughSeq } : {}),
    failures,
    ...(problem ? { problem } : {}),
  };
}

/**
 * The log head is written in the same transaction as every append, so the last stored row up to
 * it must be it: rows removed from the end, or a log rewritten with recomputed hashes, show up here.
 */
function checkHead(head: StoredLogHead, lastSeq: number, lastHash: string): LogProblem | undefined {
  if (head.lastSeq > lastSeq) {
    return {
      kind: 'removed',
      seq: lastSeq + 1,
      detail: `the log head is at seq ${head.lastSeq} but the last stored event is ${lastSeq}: events ${lastSeq + 1}..${head.lastSeq} are missing`,
    };
  }
  if (head.lastHash !== lastHash) {
    return { kind: 'changed', seq: lastSeq, detail: `the log head's hash does not match event ${lastSeq}'s: the log was rewritten with recomputed hashes` };
  }
  return undefined;
}

/**
 * A row whose hash fails is either changed in place, or moved: stored under another seq. A
 * moved row's hash still matches its fields at its true seq after its true predecessor, and both
 * places fail, so its true seq is among the kept failures and its predecessor's hash among the
 * hashes seen there.
 */
function classify(row: StoredEventRow, kept: readonly Failure[]): LogProblem {
  const seq = Number(row.seq);
  const prevHashes = new Set<string>();
  for (const f of kept) {
    prevHashes.add(f.prevHash);
    if (f.hash) prevHashes.add(f.hash);
  }
  for (const f of kept) {
    if (f.seq === seq) continue;
    for (const prev of prevHashes) {
      if (chainHash(prev, hashedFields({ ...row, seq: f.seq })) === row.hash) {
        return { kind: 'reordered', seq, eventId: row.id, detail: `event ${row.id} is stored at seq ${seq} but the chain puts it at seq ${f.seq}` };
      }
    }
  }
  return {
    kind: 'changed',
    seq,
    eventId: row.id,
    detail: `event ${row.id} (${row.type} on ${row.stream}) does not match its hash: its fields or its hash were changed, or the event before it was replaced`,
  };
}

function hashedFields(r: StoredEventRow): HashedFields {
  return {
    seq: Number(r.seq),
    id: r.id,
    stream: r.stream,
    version: Number(r.version),
    type: r.type,
    schemaVersion: Number(r.schema_version),
    time: r.time,
    cause: r.cause,
    data: r.data,
  };
}
