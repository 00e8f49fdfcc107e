import type { AppendResult, ExpectedVersion } from '../event-log.js';
import { ConcurrencyError, IdempotencyError } from '../errors.js';
import { chainHash } from './hash-chain.js';
import type { EventsTable, LogHeadTable } from './schema.js';

/** One event, validated and serialized before its transaction: plain strings and numbers only. */
export interface PreparedEvent {
  readonly id: string;
  /** The log made the id up (a fresh ULID): it cannot be stored already, so no lookup is needed. */
  readonly generated: boolean;
  readonly type: string;
  readonly schemaVersion: number;
  readonly cause: string;
  readonly data: string;
}

/**
 * One request, validated and serialized before its transaction. It holds no caller object, so
 * a commit can be planned on another thread; the caller's `data` and `cause` stay with the
 * caller and go back into the envelopes there.
 */
export interface PreparedRequest {
  readonly stream: string;
  readonly expectedVersion: ExpectedVersion;
  readonly events: readonly PreparedEvent[];
}

/** A caller's requests: all of them commit, or none. */
export type PreparedGroup = readonly PreparedRequest[];

/** Ids a commit must look up for idempotency: only those a caller supplied. */
export function suppliedIds(groups: readonly PreparedGroup[]): string[] {
  const ids: string[] = [];
  for (const g of groups) for (const r of g) for (const e of r.events) if (!e.generated) ids.push(e.id);
  return ids;
}

/** The streams a commit appends to, each once. */
export function appendedStreams(groups: readonly PreparedGroup[]): string[] {
  const streams = new Set<string>();
  for (const g of groups) for (const r of g) streams.add(r.stream);
  return [...streams];
}

export interface StoredId {
  readonly stream: string;
  readonly version: number;
  readonly seq: number;
}

/** What the planner needs read from the database first (under the log's write lock). */
export interface PlanInput {
  readonly head: LogHeadTable;
  readonly stored: ReadonlyMap<string, StoredId>;
  readonly current: ReadonlyMap<string, number>;
  readonly groups: readonly PreparedGroup[];
  readonly now: string;
}

/** A duplicate request whose stored events must be read back for its result. */
export interface DuplicateRead {
  readonly group: number;
  readonly result: number;
  readonly stream: string;
  readonly firstSeq: number;
  readonly lastSeq: number;
}

/** Where one request left its stream: its AppendResult without the envelopes. */
export type AppendPosition = Omit<AppendResult, 'events'>;

/** A group's outcome: each request's position, or the conflict that rejected the whole group. */
export type GroupOutcome = AppendPosition[] | ConcurrencyError | IdempotencyError;

/** Everything one commit writes, and each group's outcome. */
export interface AppendPlan {
  readonly outcomes: GroupOutcome[];
  readonly rows: EventsTable[];
  readonly head: LogHeadTable;
  readonly duplicates: DuplicateRead[];
  /** The time of every event the commit writes. */
  readonly time: string;
}

/**
 * Decides a commit without I/O: sequences, versions and hashes for each group, a group rejected
 * alone on a version or idempotency conflict, retries of stored appends found. The envelopes are
 * built by the caller from the positions (see append-envelopes.ts).
 */
export function planAppend(input: PlanInput): AppendPlan {
  let seq = Number(input.head.last_seq);
  let prevHash = input.head.last_hash;
  // Time never goes backwards along the log, so "everything up to time T" is a prefix.
  const time = input.head.last_time && input.head.last_time > input.now ? input.head.last_time : input.now;
  const stored = new Map(input.stored);
  const current = new Map(input.current);
  const rows: EventsTable[] = [];
  const outcomes: GroupOutcome[] = [];
  const duplicates: DuplicateRead[] = [];

  input.groups.forEach((group, g) => {
    const plan = { seq, prevHash, rows: [] as EventsTable[], versions: new Map<string, number>() };
    const results: AppendPosition[] = [];
    const dups: DuplicateRead[] = [];
    try {
      for (const request of group) {
        const { events } = request;
        const version = plan.versions.get(request.stream) ?? current.get(request.stream) ?? 0;
        const duplicate = idempotentRetry(request.stream, events, stored);
        if (duplicate) {
          dups.push({ group: g, result: results.length, stream: request.stream, firstSeq: duplicate.firstSeq, lastSeq: duplicate.lastSeq });
          results.push(duplicate);
          continue;
        }
        checkExpected(request.stream, request.expectedVersion, version);
        if (events.length === 0) {
          results.push({ stream: request.stream, version, firstSeq: plan.seq + 1, lastSeq: plan.seq, duplicate: false });
          continue;
        }
        const firstSeq = plan.seq + 1;
        let v = version;
        for (const e of events) {
          plan.seq += 1;
          v += 1;
          // Object literals, no spread: this runs once per appended event.
          const hash = chainHash(plan.prevHash, {
            seq: plan.seq,
            id: e.id,
            stream: request.stream,
            version: v,
            type: e.type,
            schemaVersion: e.schemaVersion,
            time,
            cause: e.cause,
            data: e.data,
          });
          plan.rows.push({
            seq: plan.seq,
            id: e.id,
            stream: request.stream,
            version: v,
            type: e.type,
            schema_version: e.schemaVersion,
            time,
            cause: e.cause,
            data: e.data,
            hash,
          });
          plan.prevHash = hash;
        }
        plan.versions.set(request.stream, v);
        results.push({ stream: request.stream, version: v, firstSeq, lastSeq: plan.seq, duplicate: false });
      }
    } catch (e) {
      if (e instanceof ConcurrencyError || e instanceof IdempotencyError) {
        outcomes.push(e);
        return;
      }
      throw e;
    }
    seq = plan.seq;
    prevHash = plan.prevHash;
    rows.push(...plan.rows);
    for (const [stream, v] of plan.versions) current.set(stream, v);
    for (const r of plan.rows) stored.set(r.id, { stream: r.stream, version: r.version, seq: r.seq });
    duplicates.push(...dups);
    outcomes.push(results);
  });

  return {
    outcomes,
    rows,
    head: { id: 1, last_seq: seq, last_hash: prevHash, last_time: rows.length ? time : input.head.last_time },
    duplicates,
    time,
  };
}

/** A retry of an append that already committed: its original position. A partial overlap is an error. */
function idempotentRetry(
  stream: string,
  events: readonly PreparedEvent[],
  stored: ReadonlyMap<string, StoredId>,
): AppendPosition | undefined {
  // Most appends are new events: answer those without allocating.
  if (!events.some((e) => stored.has(e.id))) return undefined;
  const found = events.map((e) => stored.get(e.id));
  const hits = found.filter((f) => f !== undefined);
  if (hits.length !== events.length) {
    const missing = events.find((_, i) => !found[i])!;
    throw new IdempotencyError(stream, missing.id, 'is new but other events of the same append are already stored');
  }
  for (let i = 0; i < hits.length; i++) {
    const h = hits[i]!;
    if (h.stream !== stream) throw new IdempotencyError(stream, events[i]!.id, `is already stored in stream ${h.stream}`);
  }
  return { stream, version: hits.at(-1)!.version, firstSeq: hits[0]!.seq, lastSeq: hits.at(-1)!.seq, duplicate: true };
}

function checkExpected(stream: string, expected: ExpectedVersion, actual: number): void {
  if (expected === 'any') return;
  const want = expected === 'no-stream' ? 0 : expected;
  if (want !== actual) throw new ConcurrencyError(stream, expected, actual);
}
