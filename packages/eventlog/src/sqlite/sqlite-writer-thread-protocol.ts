import type { ExpectedVersion } from '../event-log.js';
import { ConcurrencyError, IdempotencyError } from '../errors.js';
import type { CommittedAppend } from '../sql/append-committer.js';
import type { GroupOutcome, PreparedEvent, PreparedGroup, PreparedRequest } from '../sql/append-plan.js';
import type { EventsTable } from '../sql/schema.js';

// Messages between a SQLite log and its writer thread. Everything is structured-clone data:
// commits travel in columns (one array per field, so a commit of thousands of events clones a
// few arrays of strings rather than thousands of small objects), and conflicts as plain fields
// that are turned back into the same error classes on the log's side.

/** What the writer thread is started with. */
export interface WriterThreadData {
  /** The database file (its real path); the schema exists: the log migrated it before. */
  readonly file: string;
  /**
   * One Int32 the thread sets to 1 once it takes commits, before it posts 'ready': the log reads
   * it synchronously, because a caller whose appends all resolve in microtasks (a bench feeding
   * pods in one loop) never lets the 'ready' message in.
   */
  readonly ready: SharedArrayBuffer;
}

/** A commit's groups, column by column. */
export interface WireGroups {
  /** Requests per group, then events per request. */
  readonly groupSizes: number[];
  readonly eventCounts: number[];
  readonly streams: string[];
  readonly expected: ExpectedVersion[];
  readonly ids: string[];
  /** 1 when the log generated the id (no idempotency lookup), 0 when the caller supplied it. */
  readonly generated: number[];
  readonly types: string[];
  readonly schemaVersions: number[];
  readonly causes: string[];
  readonly data: string[];
}

/** A group's outcome: 4 numbers per request (version, firstSeq, lastSeq, duplicate 0/1), or its conflict. */
export type WireOutcome =
  | { readonly kind: 'appended'; readonly positions: number[] }
  | { readonly kind: 'concurrency'; readonly stream: string; readonly expected: ExpectedVersion; readonly actual: number }
  | { readonly kind: 'idempotency'; readonly stream: string; readonly eventId: string; readonly reason: string };

export type ToWriterThread =
  | { readonly kind: 'commit'; readonly id: number; readonly now: string; readonly groups: WireGroups }
  /** A commit of one group sent in parts: open (BEGIN), parts, then end (COMMIT) or abort (ROLLBACK). */
  | { readonly kind: 'open'; readonly id: number; readonly now: string }
  | { readonly kind: 'part'; readonly id: number; readonly groups: WireGroups }
  | { readonly kind: 'end'; readonly id: number }
  | { readonly kind: 'abort'; readonly id: number }
  /** Close the connection and end the thread. */
  | { readonly kind: 'close' };

export type FromWriterThread =
  | { readonly kind: 'ready' }
  /** The thread could not open its connection; it ends. */
  | { readonly kind: 'failed'; readonly message: string }
  | {
      readonly kind: 'committed';
      readonly id: number;
      readonly time: string;
      readonly outcomes: WireOutcome[];
      readonly duplicates: Array<{ readonly group: number; readonly result: number; readonly rows: readonly EventsTable[] }>;
    }
  /** The commit failed as a whole (rolled back): a SQLite error. */
  | { readonly kind: 'commit-failed'; readonly id: number; readonly message: string }
  | { readonly kind: 'aborted'; readonly id: number }
  | { readonly kind: 'closed' };

/** The groups in columns, with the plain strings and numbers of each request only. */
export function encodeGroups(groups: readonly PreparedGroup[]): WireGroups {
  const wire: WireGroups = {
    groupSizes: [],
    eventCounts: [],
    streams: [],
    expected: [],
    ids: [],
    generated: [],
    types: [],
    schemaVersions: [],
    causes: [],
    data: [],
  };
  for (const group of groups) {
    wire.groupSizes.push(group.length);
    for (const r of group) {
      wire.streams.push(r.stream);
      wire.expected.push(r.expectedVersion);
      wire.eventCounts.push(r.events.length);
      for (const e of r.events) {
        wire.ids.push(e.id);
        wire.generated.push(e.generated ? 1 : 0);
        wire.types.push(e.type);
        wire.schemaVersions.push(e.schemaVersion);
        wire.causes.push(e.cause);
        wire.data.push(e.data);
      }
    }
  }
  return wire;
}

export function decodeGroups(wire: WireGroups): PreparedGroup[] {
  const groups: PreparedGroup[] = [];
  let r = 0;
  let e = 0;
  for (const size of wire.groupSizes) {
    const group: PreparedRequest[] = [];
    for (const end = r + size; r < end; r++) {
      const events: PreparedEvent[] = [];
      for (const last = e + wire.eventCounts[r]!; e < last; e++) {
        events.push({
          id: wire.ids[e]!,
          generated: wire.generated[e] === 1,
          type: wire.types[e]!,
          schemaVersion: wire.schemaVersions[e]!,
          cause: wire.causes[e]!,
          data: wire.data[e]!,
        });
      }
      group.push({ stream: wire.streams[r]!, expectedVersion: wire.expected[r]!, events });
    }
    groups.push(group);
  }
  return groups;
}

export function encodeOutcomes(outcomes: readonly GroupOutcome[]): WireOutcome[] {
  return outcomes.map((o) => {
    if (o instanceof ConcurrencyError) return { kind: 'concurrency', stream: o.stream, expected: o.expected, actual: o.actual };
    if (o instanceof IdempotencyError) return { kind: 'idempotency', stream: o.stream, eventId: o.eventId, reason: o.reason };
    const positions: number[] = [];
    for (const p of o) positions.push(p.version, p.firstSeq, p.lastSeq, p.duplicate ? 1 : 0);
    return { kind: 'appended', positions };
  });
}

/** The outcomes as the planner made them: positions named by the requests' streams, conflicts as the same error classes. */
export function decodeOutcomes(wire: readonly WireOutcome[], groups: readonly PreparedGroup[]): CommittedAppend['outcomes'] {
  return wire.map((o, g): GroupOutcome => {
    switch (o.kind) {
      case 'concurrency':
        return new ConcurrencyError(o.stream, o.expected, o.actual);
      case 'idempotency':
        return new IdempotencyError(o.stream, o.eventId, o.reason);
      case 'appended': {
        const group = groups[g]!;
        return group.map((r, i) => ({
          stream: r.stream,
          version: o.positions[i * 4]!,
          firstSeq: o.positions[i * 4 + 1]!,
          lastSeq: o.positions[i * 4 + 2]!,
          duplicate: o.positions[i * 4 + 3] === 1,
        }));
      }
    }
  });
}
