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

/** Time never goes backwards along the log, so "everything up to time T" is a prefix: a commit's time. */
export function commitTime(head: LogHeadTable, now: string): string {
  return head.last_time && head.last_time > now ? head.last_time : now;
}

/**
 * One group (one caller's requests) planned request by request, in one go or in parts as the
 * requests arrive: sequences, versions and hashes from where the log ends, the positions, the
 * retried requests found. A conflict throws (ConcurrencyError, IdempotencyError): the group is
 * then left out whole, and nothing of it may be written.
 */
export class GroupPlan {
  readonly rows: EventsTable[] = [];
  readonly results: AppendPosition[] = [];
  readonly duplicates: DuplicateRead[] = [];
  /** Each stream's version after the group's requests so far. */
  readonly versions = new Map<string, number>();
  /** The last seq and hash planned (where the next group starts). */
  seq: number;
  prevHash: string;

  constructor(
    private readonly group: number,
    from: { readonly seq: number; readonly prevHash: string },
    private readonly time: string,
  ) {
    this.seq = from.seq;
    this.prevHash = from.prevHash;
  }

  /** Plans the group's next requests; `current` and `stored` answer for their streams and supplied ids. */
  add(requests: readonly PreparedRequest[], current: ReadonlyMap<string, number>, stored: ReadonlyMap<string, StoredId>): void {
    for (const request of requests) {
      const { stream, events } = request;
      const version = this.versions.get(stream) ?? current.get(stream) ?? 0;
      const duplicate = idempotentRetry(stream, events, stored);
      if (duplicate) {
        this.duplicates.push({ group: this.group, result: this.results.length, stream, firstSeq: duplicate.firstSeq, lastSeq: duplicate.lastSeq });
        this.results.push(duplicate);
        continue;
      }
      checkExpected(stream, request.expectedVersion, version);
      if (events.length === 0) {
        this.results.push({ stream, version, firstSeq: this.seq + 1, lastSeq: this.seq, duplicate: false });
        continue;
      }
      const firstSeq = this.seq + 1;
      let v = version;
      for (const e of events) {
        this.seq += 1;
        v += 1;
        // Object literals, no spread: this runs once per appended event.
        const hash = chainHash(this.prevHash, {
          seq: this.seq,
          id: e.id,
          stream,
          version: v,
          type: e.type,
          schemaVersion: e.schemaVersion,
          time: this.time,
          cause: e.cause,
          data: e.data,
        });
        this.rows.push({
          seq: this.seq,
          id: e.id,
          stream,
          version: v,
          type: e.type,
          schema_version: e.schemaVersion,
          time: this.time,
          cause: e.cause,
          data: e.data,
          hash,
        });
        this.prevHash = hash;
      }
      this.versions.set(stream, v);
      this.results.push({ stream, version: v, firstSeq, lastSeq: this.seq, duplicate: false });
    }
  }
}

/** Whether a planner threw for a group's conflict (the group is rejected alone) rather than a bug. */
export function isGroupConflict(e: unknown): e is ConcurrencyError | IdempotencyError {
  return e instanceof ConcurrencyError || e instanceof IdempotencyError;
}

/** The head after a commit that planned up to `last` (its time moves only if rows were written). */
export function headAfter(head: LogHeadTable, last: { readonly seq: number; readonly prevHash: string }, time: string, wrote: boolean): LogHeadTable {
  return { id: 1, last_seq: last.seq, last_hash: last.prevHash, last_time: wrote ? time : head.last_time };
}

/**
 * Decides a commit without I/O: sequences, versions and hashes for each group, a group rejected
 * alone on a version or idempotency conflict, retries of stored appends found. The envelopes are
 * built by the caller from the positions (see append-envelopes.ts).
 */
export function planAppend(input: PlanInput): AppendPlan {
  const time = commitTime(input.head, input.now);
  let last = { seq: Number(input.head.last_seq), prevHash: input.head.last_hash };
  const stored = new Map(input.stored);
  const current = new Map(input.current);
  const rows: EventsTable[] = [];
  const outcomes: GroupOutcome[] = [];
  const duplicates: DuplicateRead[] = [];

  input.groups.forEach((group, g) => {
    const plan = new GroupPlan(g, last, time);
    try {
      plan.add(group, current, stored);
    } catch (e) {
      if (!isGroupConflict(e)) throw e;
      outcomes.push(e);
      return;
    }
    last = { seq: plan.seq, prevHash: plan.prevHash };
    for (const r of plan.rows) {
      rows.push(r);
      stored.set(r.id, { stream: r.stream, version: r.version, seq: r.seq });
    }
    for (const [stream, v] of plan.versions) current.set(stream, v);
    duplicates.push(...plan.duplicates);
    outcomes.push(plan.results);
  });

  return { outcomes, rows, head: headAfter(input.head, last, time, rows.length > 0), duplicates, time };
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
