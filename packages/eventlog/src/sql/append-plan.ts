import { type EventEnvelope, type NewEvent, type ServiceName } from '@netledger/contracts';
import type { AppendRequest, AppendResult, ExpectedVersion } from '../event-log.js';
import { ConcurrencyError, IdempotencyError } from '../errors.js';
import { chainHash } from './hash-chain.js';
import type { EventsTable, LogHeadTable } from './schema.js';

/** One request, validated and serialized before its transaction. */
export interface PreparedRequest {
  readonly request: AppendRequest;
  readonly events: ReadonlyArray<{
    readonly id: string;
    /** The log made the id up (a fresh ULID): it cannot be stored already, so no lookup is needed. */
    readonly generated: boolean;
    readonly type: string;
    readonly schemaVersion: number;
    readonly cause: string;
    readonly data: string;
    readonly source: NewEvent;
  }>;
}

/** A caller's requests: all of them commit, or none. */
export type PreparedGroup = readonly PreparedRequest[];

/** Ids a commit must look up for idempotency: only those a caller supplied. */
export function suppliedIds(requests: readonly PreparedRequest[]): string[] {
  const ids: string[] = [];
  for (const r of requests) for (const e of r.events) if (!e.generated) ids.push(e.id);
  return ids;
}

export interface StoredId {
  readonly stream: string;
  readonly version: number;
  readonly seq: number;
}

/** What the planner needs read from the database first (under the log's write lock). */
export interface PlanInput {
  readonly service: ServiceName;
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

/** Everything one commit writes, and each group's outcome. */
export interface AppendPlan {
  readonly outcomes: Array<AppendResult[] | Error>;
  readonly rows: EventsTable[];
  readonly head: LogHeadTable;
  readonly duplicates: DuplicateRead[];
}

/**
 * Decides a commit without I/O: sequences, versions, hashes and envelopes for each group, a
 * group rejected alone on a version or idempotency conflict, retries of stored appends found.
 */
export function planAppend(input: PlanInput): AppendPlan {
  let seq = Number(input.head.last_seq);
  let prevHash = input.head.last_hash;
  // Time never goes backwards along the log, so "everything up to time T" is a prefix.
  const time = input.head.last_time && input.head.last_time > input.now ? input.head.last_time : input.now;
  const stored = new Map(input.stored);
  const current = new Map(input.current);
  const rows: EventsTable[] = [];
  const outcomes: AppendPlan['outcomes'] = [];
  const duplicates: DuplicateRead[] = [];

  input.groups.forEach((group, g) => {
    const plan = { seq, prevHash, rows: [] as EventsTable[], versions: new Map<string, number>() };
    const results: AppendResult[] = [];
    const dups: DuplicateRead[] = [];
    try {
      for (const { request, events } of group) {
        const version = plan.versions.get(request.stream) ?? current.get(request.stream) ?? 0;
        const duplicate = idempotentRetry(request.stream, events, stored);
        if (duplicate) {
          dups.push({ group: g, result: results.length, stream: request.stream, firstSeq: duplicate.firstSeq, lastSeq: duplicate.lastSeq });
          results.push({ ...duplicate, events: [] });
          continue;
        }
        checkExpected(request.stream, request.expectedVersion, version);
        if (events.length === 0) {
          results.push({ stream: request.stream, version, firstSeq: plan.seq + 1, lastSeq: plan.seq, duplicate: false, events: [] });
          continue;
        }
        const firstSeq = plan.seq + 1;
        const envelopes: EventEnvelope[] = [];
        let v = version;
        for (const e of events) {
          plan.seq += 1;
          v += 1;
          const row: EventsTable = {
            seq: plan.seq,
            id: e.id,
            stream: request.stream,
            version: v,
            type: e.type,
            schema_version: e.schemaVersion,
            time,
            cause: e.cause,
            data: e.data,
            hash: '',
          };
          row.hash = chainHash(plan.prevHash, { ...row, schemaVersion: row.schema_version });
          plan.prevHash = row.hash;
          plan.rows.push(row);
          envelopes.push({
            id: e.id,
            service: input.service,
            stream: request.stream,
            version: v,
            seq: plan.seq,
            type: e.type,
            schemaVersion: e.schemaVersion,
            time,
            cause: e.source.cause,
            data: e.source.data,
          });
        }
        plan.versions.set(request.stream, v);
        results.push({ stream: request.stream, version: v, firstSeq, lastSeq: plan.seq, duplicate: false, events: envelopes });
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
  };
}

/** A retry of an append that already committed: its original position. A partial overlap is an error. */
function idempotentRetry(
  stream: string,
  events: PreparedRequest['events'],
  stored: ReadonlyMap<string, StoredId>,
): Omit<AppendResult, 'events'> | undefined {
  const found = events.map((e) => stored.get(e.id));
  const hits = found.filter((f) => f !== undefined);
  if (hits.length === 0) return undefined;
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
