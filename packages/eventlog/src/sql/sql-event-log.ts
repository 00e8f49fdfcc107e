import { sql, type Kysely } from 'kysely';
import {
  EventIdGenerator,
  eventSubject,
  type EventEnvelope,
  type EventRegistry,
  type NewEvent,
  type ServiceName,
} from '@netledger/contracts';
import type {
  AppendRequest,
  AppendResult,
  EventLog,
  ExpectedVersion,
  LogHead,
  OutboxEntry,
  ReadOptions,
  ReplayOptions,
  RetentionMarker,
  Snapshot,
} from '../event-log.js';
import { IdempotencyError, PrunedHistoryError, StorageError } from '../errors.js';
import type { AppendCommitter, PartedCommit, CommittedAppend } from './append-committer.js';
import { appendedEnvelopes } from './append-envelopes.js';
import { appendedStreams, planAppend, suppliedIds, type AppendPosition, type PreparedGroup, type PreparedRequest, type StoredId } from './append-plan.js';
import { migrate } from './migrate.js';
import { latestMarker, pruneLog } from './prune-log.js';
import type { ReplayReads } from './replay-reads.js';
import type { EventLogDatabase, EventsTable } from './schema.js';
import { StoredEventDecoder, type StoredColumns } from './stored-event-decoder.js';

export type SqlDialectName = 'sqlite' | 'postgres';

export interface SqlEventLogOptions {
  readonly service: ServiceName;
  readonly registry: EventRegistry;
  readonly dialect: SqlDialectName;
  /** Where the log lives, for messages (file path or redacted URL). */
  readonly location: string;
  readonly clock?: () => Date;
  readonly ids?: EventIdGenerator;
  /** Called after the database is closed (to release a pool or file handle the caller owns). */
  readonly onClose?: () => Promise<void>;
  /**
   * Wraps every write (append, outbox ack, snapshot save). SQLite passes a process-wide lock per
   * file here (see sqlite-write-lock.ts); PostgreSQL needs none, its row lock waits without blocking.
   */
  readonly serializeWrites?: <T>(work: () => Promise<T>) => Promise<T>;
  /** Takes that lock at once if it is free (its release), for a commit sent in parts (see openPartedCommit). */
  readonly tryLockWrites?: () => (() => void) | undefined;
  /** Where appends commit (SQLite: the log's writer thread); without it they go through kysely. */
  readonly committer?: AppendCommitter;
  /** The outbox read through cached statements (SQLite); without it, through kysely. */
  readonly outboxReads?: OutboxReads;
  /** Replay pages read through a prepared statement (SQLite); without it, through kysely. */
  readonly replayReads?: ReplayReads;
}

// Rows per multi-row INSERT: 10 columns x 1000 stays under SQLite's and PostgreSQL's bind limits.
const INSERT_CHUNK = 1000;
const IN_CHUNK = 5000;
// Most events one group commit writes; a caller's append is never split.
const GROUP_COMMIT_EVENTS = 5000;
// An append of at least this many events that finds the log idle is sent to a committer that
// can take it in parts (the writer thread) part by part as it is prepared, about this many events each.
const IN_PARTS_MIN_EVENTS = 256;
const PART_EVENTS = 128;
// Events per replay batch: large enough that a page's fixed cost (a query, a microtask) vanishes,
// small enough that a batch's envelopes die young.
const REPLAY_BATCH = 4096;

// A request as the caller's thread keeps it: what commits (plain strings and numbers), and the
// caller's events, whose data and cause objects go back into the envelopes.
type Prepared = PreparedRequest & { readonly sources: readonly NewEvent[] };

/** The outbox read with cached statements: the relay's position, then up to `limit` events after `afterSeq`. */
export interface OutboxReads {
  publishedSeq(): number;
  eventsAfter(afterSeq: number, limit: number): Array<Omit<EventsTable, 'hash'>>;
}

/**
 * The event log on a SQL database through kysely. SQLite and PostgreSQL share this code;
 * they differ only in how the database is opened (see open-sqlite / open-postgres).
 *
 * Appends are serialized on the single `log_head` row (an UPDATE takes SQLite's write lock
 * or PostgreSQL's row lock first thing), so sequences are gap-free and commit in order:
 * a reader never sees seq N+1 before seq N.
 */
export class SqlEventLog implements EventLog {
  readonly service: ServiceName;
  private readonly registry: EventRegistry;
  private readonly clock: () => Date;
  private readonly ids: EventIdGenerator;
  private readonly serializeWrites: <T>(work: () => Promise<T>) => Promise<T>;
  private readonly decoder: StoredEventDecoder;
  private closed = false;
  private readonly pending: Array<{
    readonly prepared: Prepared[];
    readonly events: number;
    readonly resolve: (r: AppendResult[]) => void;
    readonly reject: (e: unknown) => void;
  }> = [];
  /** The group commit loop while it runs (close() waits for it). */
  private flushing: Promise<void> | undefined;

  protected constructor(
    private readonly db: Kysely<EventLogDatabase>,
    private readonly options: SqlEventLogOptions,
  ) {
    this.service = options.service;
    this.registry = options.registry;
    this.clock = options.clock ?? (() => new Date());
    this.ids = options.ids ?? new EventIdGenerator();
    this.serializeWrites = options.serializeWrites ?? ((work) => work());
    this.decoder = new StoredEventDecoder(options.registry, options.service, options.location);
  }

  /** Migrates the schema if needed and returns the log. */
  static async open(db: Kysely<EventLogDatabase>, options: SqlEventLogOptions): Promise<SqlEventLog> {
    const serialize = options.serializeWrites ?? ((work) => work());
    await serialize(() => migrate(db, options.dialect));
    return new SqlEventLog(db, Object.freeze({ ...options }));
  }

  append(stream: string, expectedVersion: ExpectedVersion, events: readonly NewEvent[]): Promise<AppendResult> {
    return this.appendMany([{ stream, expectedVersion, events }]).then((r) => r[0]!);
  }

  async appendMany(requests: readonly AppendRequest[]): Promise<AppendResult[]> {
    if (this.closed) throw new StorageError(this.options.location, `${this.service} log: append after close`);
    const inParts = this.appendInParts(requests);
    if (inParts) return inParts;
    const prepared = this.prepare(requests);
    return new Promise<AppendResult[]>((resolve, reject) => {
      this.pending.push({ prepared, resolve, reject, events: prepared.reduce((n, p) => n + p.events.length, 0) });
      // flush() awaits before it can return, so this is set before its finally clears it.
      this.flushing ??= this.flush();
    });
  }

  /**
   * Group commit: appends that arrive while a transaction is being written wait and are then
   * written together, in arrival order, in one transaction (one fsync). Each caller still gets
   * its own outcome: a version conflict fails that caller's append alone.
   */
  private async flush(): Promise<void> {
    try {
      await this.flushPending();
    } finally {
      this.flushing = undefined;
    }
  }

  private async flushPending(): Promise<void> {
    while (this.pending.length > 0) {
      let take = 0;
      let events = 0;
      while (take < this.pending.length && (take === 0 || events + this.pending[take]!.events <= GROUP_COMMIT_EVENTS)) {
        events += this.pending[take]!.events;
        take++;
      }
      const batch = this.pending.splice(0, take);
      const groups = batch.map((b) => b.prepared);
      let committed: CommittedAppend;
      try {
        const committer = this.options.committer;
        // The lock is held until the commit is back, also while a writer thread runs it, so no
        // other write of this file (outbox ack, snapshot, another log) contends with it in SQLite.
        committed = await this.serializeWrites(async () => {
          const now = this.clock().toISOString();
          return committer ? committer.commit(groups, now) : this.appendWithKysely(groups, now);
        });
      } catch (e) {
        for (const b of batch) b.reject(e);
        continue;
      }
      batch.forEach((b, i) => {
        const outcome = committed.outcomes[i]!;
        if (outcome instanceof Error) return b.reject(outcome);
        try {
          b.resolve(this.results(groups[i]!, outcome, committed, i));
        } catch (e) {
          // A stored event of a retried append that no longer decodes fails that caller alone.
          b.reject(e);
        }
      });
    }
  }

  /**
   * A large append that finds the log idle: it is sent part by part while it is prepared, so
   * the writer thread plans and inserts the first parts while this thread serializes the next
   * (a caller that waits for each append before preparing the next gets no other overlap).
   * Undefined when that cannot be done now; the append then goes through group commit.
   */
  private appendInParts(requests: readonly AppendRequest[]): Promise<AppendResult[]> | undefined {
    const { committer, tryLockWrites } = this.options;
    if (!committer?.openPartedCommit || !tryLockWrites || this.flushing || this.pending.length > 0) return undefined;
    let events = 0;
    for (const r of requests) events += r.events.length;
    if (events < IN_PARTS_MIN_EVENTS) return undefined;
    const release = tryLockWrites();
    if (!release) return undefined;
    const parted = committer.openPartedCommit(this.clock().toISOString());
    if (!parted) {
      release();
      return undefined;
    }
    const done = this.commitInParts(requests, parted);
    // Appends arriving meanwhile queue, and go in the next commit once this one is back.
    this.flushing = done.then(
      () => this.afterCommitInParts(release),
      () => this.afterCommitInParts(release),
    );
    return done;
  }

  private async commitInParts(requests: readonly AppendRequest[], parted: PartedCommit): Promise<AppendResult[]> {
    let prepared: Prepared[];
    try {
      prepared = this.prepare(requests, (part) => parted.send(part));
    } catch (e) {
      await parted.abort();
      throw e;
    }
    const committed = await parted.end();
    const outcome = committed.outcomes[0]!;
    if (outcome instanceof Error) throw outcome;
    return this.results(prepared, outcome, committed, 0);
  }

  private afterCommitInParts(release: () => void): void {
    release();
    this.flushing = undefined;
    if (this.pending.length > 0) this.flushing = this.flush();
  }

  /** A group's results: envelopes rebuilt from the positions, a retried append's as stored the first time. */
  private results(group: readonly Prepared[], positions: readonly AppendPosition[], committed: CommittedAppend, g: number): AppendResult[] {
    const results: AppendResult[] = positions.map((p, i) => ({
      ...p,
      events: p.duplicate ? [] : appendedEnvelopes(this.service, group[i]!, group[i]!.sources, p, committed.time),
    }));
    for (const d of committed.duplicates) {
      if (d.group === g) results[d.result] = { ...results[d.result]!, events: d.rows.map((r) => this.decode(r)) };
    }
    return results;
  }

  /** Validates and serializes; with `send`, hands over the requests done, in parts, as it goes. */
  private prepare(requests: readonly AppendRequest[], send?: (part: Prepared[]) => void): Prepared[] {
    const streams = new Set<string>();
    const ids = new Set<string>();
    const prepared: Prepared[] = [];
    let sent = 0;
    let unsent = 0;
    for (const request of requests) {
      if (!request.stream) throw new TypeError(`${this.service}: append needs a stream name`);
      if (streams.has(request.stream)) throw new TypeError(`${this.service}: stream ${request.stream} appears twice in one append`);
      streams.add(request.stream);
      const events = request.events.map((e) => {
        const schemaVersion = this.registry.checkNew(this.service, e.type, e.data, `${this.service} append to ${request.stream}`);
        const id = e.id ?? this.ids.next();
        if (ids.has(id)) throw new IdempotencyError(request.stream, id, 'appears twice in one append');
        ids.add(id);
        return { id, generated: e.id === undefined, type: e.type, schemaVersion, cause: JSON.stringify(e.cause), data: JSON.stringify(e.data) };
      });
      prepared.push({ stream: request.stream, expectedVersion: request.expectedVersion, events, sources: request.events });
      unsent += events.length;
      if (send && unsent >= PART_EVENTS) {
        send(prepared.slice(sent));
        sent = prepared.length;
        unsent = 0;
      }
    }
    if (send && sent < prepared.length) send(prepared.slice(sent));
    return prepared;
  }

  /** One commit through kysely (PostgreSQL): the same plan, read and written asynchronously. */
  private async appendWithKysely(groups: readonly PreparedGroup[], now: string): Promise<CommittedAppend> {
    return this.db.transaction().execute(async (trx) => {
      // Take the log's write lock before reading anything, so the checks below cannot go stale.
      const head = await trx
        .updateTable('log_head')
        .set({ last_seq: sql`last_seq` })
        .where('id', '=', 1)
        .returningAll()
        .executeTakeFirstOrThrow();
      const stored = new Map<string, StoredId>();
      for (const chunk of chunks(suppliedIds(groups), IN_CHUNK)) {
        const rows = await trx.selectFrom('events').select(['id', 'stream', 'version', 'seq']).where('id', 'in', chunk).execute();
        for (const r of rows) stored.set(r.id, { stream: r.stream, version: Number(r.version), seq: Number(r.seq) });
      }
      const current = new Map<string, number>();
      for (const chunk of chunks(appendedStreams(groups), IN_CHUNK)) {
        const rows = await trx
          .selectFrom('events')
          .select((eb) => ['stream', eb.fn.max('version').as('version')])
          .where('stream', 'in', chunk)
          .groupBy('stream')
          .execute();
        for (const r of rows) current.set(r.stream, Number(r.version));
      }
      const plan = planAppend({ head, stored, current, groups, now });
      if (plan.rows.length > 0) {
        for (const chunk of chunks(plan.rows, INSERT_CHUNK)) await trx.insertInto('events').values(chunk).execute();
        const { last_seq, last_hash, last_time } = plan.head;
        await trx.updateTable('log_head').set({ last_seq, last_hash, last_time }).where('id', '=', 1).execute();
      }
      const duplicates: Array<CommittedAppend['duplicates'][number]> = [];
      for (const d of plan.duplicates) {
        const rows = await trx
          .selectFrom('events')
          .selectAll()
          .where('stream', '=', d.stream)
          .where('seq', '>=', d.firstSeq)
          .where('seq', '<=', d.lastSeq)
          .orderBy('seq')
          .execute();
        duplicates.push({ group: d.group, result: d.result, rows });
      }
      return { time: plan.time, outcomes: plan.outcomes, duplicates };
    });
  }

  async streamVersion(stream: string): Promise<number> {
    const r = await this.db
      .selectFrom('events')
      .select((eb) => eb.fn.max('version').as('version'))
      .where('stream', '=', stream)
      .executeTakeFirst();
    return r?.version == null ? 0 : Number(r.version);
  }

  async readStreamForward(stream: string, fromVersion = 1, options: ReadOptions = {}): Promise<EventEnvelope[]> {
    let q = this.db.selectFrom('events').selectAll().where('stream', '=', stream).where('version', '>=', fromVersion).orderBy('version', 'asc');
    if (options.limit !== undefined) q = q.limit(options.limit);
    return (await q.execute()).map((r) => this.decode(r));
  }

  async readStreamBackward(stream: string, fromVersion?: number, options: ReadOptions = {}): Promise<EventEnvelope[]> {
    let q = this.db.selectFrom('events').selectAll().where('stream', '=', stream).orderBy('version', 'desc');
    if (fromVersion !== undefined) q = q.where('version', '<=', fromVersion);
    if (options.limit !== undefined) q = q.limit(options.limit);
    return (await q.execute()).map((r) => this.decode(r));
  }

  async readAll(fromSeq: number, options: ReadOptions = {}): Promise<EventEnvelope[]> {
    let q = this.db.selectFrom('events').selectAll().where('seq', '>=', fromSeq).orderBy('seq', 'asc');
    if (options.limit !== undefined) q = q.limit(options.limit);
    return (await q.execute()).map((r) => this.decode(r));
  }

  async readUntil(until: Date, fromSeq = 1, options: ReadOptions = {}): Promise<EventEnvelope[]> {
    const last = await this.lastSeqAt(until);
    if (last < fromSeq) return [];
    let q = this.db.selectFrom('events').selectAll().where('seq', '>=', fromSeq).where('seq', '<=', last).orderBy('seq', 'asc');
    if (options.limit !== undefined) q = q.limit(options.limit);
    return (await q.execute()).map((r) => this.decode(r));
  }

  /**
   * The last sequence appended at or before `until` (0 if none). Times never decrease along
   * the gap-free sequence, so a binary search over seq finds it in about log2(events) lookups.
   */
  async lastSeqAt(until: Date): Promise<number> {
    const t = until.toISOString();
    const head = await this.db.selectFrom('log_head').select('last_seq').where('id', '=', 1).executeTakeFirstOrThrow();
    let lo = 0;
    let hi = Number(head.last_seq);
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      const r = await this.db.selectFrom('events').select('time').where('seq', '=', mid).executeTakeFirst();
      if (r && r.time <= t) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  async *replay(fromSeq: number, options: ReplayOptions = {}): AsyncIterable<readonly EventEnvelope[]> {
    const batchSize = options.batchSize ?? REPLAY_BATCH;
    if (!Number.isSafeInteger(batchSize) || batchSize < 1) throw new TypeError(`${this.service} log replay: batchSize ${batchSize} is not a positive integer`);
    let untilSeq = options.untilSeq ?? Number.MAX_SAFE_INTEGER;
    if (options.until) untilSeq = Math.min(untilSeq, await this.lastSeqAt(options.until));
    let next = Math.max(1, fromSeq);
    const marker = await this.retention();
    if (marker && next <= marker.throughSeq) throw new PrunedHistoryError(this.options.location, next, marker.throughSeq);
    while (next <= untilSeq) {
      const rows = await this.replayPage(next, untilSeq, batchSize);
      if (rows.length === 0) return;
      // Seqs are gap-free, so a page that does not start at `next` and run on without a gap
      // lost rows: a prune that ran meanwhile, or rows removed behind the log's back.
      if (rows[0]![0] !== next || rows[rows.length - 1]![0] !== next + rows.length - 1) await this.missingRows(next, rows);
      const batch = new Array<EventEnvelope>(rows.length);
      for (let i = 0; i < rows.length; i++) batch[i] = this.decoder.decode(rows[i]!);
      yield batch;
      if (rows.length < batchSize) return;
      next = batch[batch.length - 1]!.seq + 1;
    }
  }

  private async missingRows(next: number, rows: readonly StoredColumns[]): Promise<never> {
    const marker = await this.retention();
    if (marker && next <= marker.throughSeq) throw new PrunedHistoryError(this.options.location, next, marker.throughSeq);
    let expected = next;
    for (const r of rows) {
      if (r[0] !== expected) break;
      expected++;
    }
    throw new StorageError(this.options.location, `${this.service} log: event ${expected} is missing (run audit verify)`);
  }

  private async replayPage(fromSeq: number, untilSeq: number, limit: number): Promise<StoredColumns[]> {
    const sync = this.options.replayReads;
    if (sync) return sync.page(fromSeq, untilSeq, limit);
    const rows = await this.db
      .selectFrom('events')
      .select(['seq', 'id', 'stream', 'version', 'type', 'schema_version', 'time', 'cause', 'data'])
      .where('seq', '>=', fromSeq)
      .where('seq', '<=', untilSeq)
      .orderBy('seq', 'asc')
      .limit(limit)
      .execute();
    return rows.map((r) => [Number(r.seq), r.id, r.stream, Number(r.version), r.type, Number(r.schema_version), r.time, r.cause, r.data] as const);
  }

  async *iterate(fromSeq = 1, options: { readonly pageSize?: number; readonly until?: Date } = {}): AsyncIterable<EventEnvelope> {
    const replayOptions = { batchSize: options.pageSize ?? 2000, ...(options.until ? { until: options.until } : {}) };
    for await (const batch of this.replay(fromSeq, replayOptions)) yield* batch;
  }

  async head(): Promise<LogHead> {
    const h = await this.db.selectFrom('log_head').selectAll().where('id', '=', 1).executeTakeFirstOrThrow();
    const published = await this.publishedSeq();
    return { lastSeq: Number(h.last_seq), lastTime: h.last_time, lastHash: h.last_hash, outboxBacklog: Math.max(0, Number(h.last_seq) - published) };
  }

  async outboxPeek(limit: number, afterSeq = 0): Promise<OutboxEntry[]> {
    const sync = this.options.outboxReads;
    const from = Math.max(afterSeq, await this.publishedSeq());
    const rows = sync
      ? sync.eventsAfter(from, limit)
      : await this.db
          .selectFrom('events')
          .select(['seq', 'id', 'stream', 'version', 'type', 'schema_version', 'time', 'cause', 'data'])
          .where('seq', '>', from)
          .orderBy('seq', 'asc')
          .limit(limit)
          .execute();
    return rows.map((r) => ({
      seq: Number(r.seq),
      eventId: r.id,
      subject: eventSubject(this.service, r.type, r.stream),
      payload: this.storedJson(r),
    }));
  }

  async outboxAck(uptoSeq: number): Promise<void> {
    // Monotonic (a late ack never moves the position back) and never past the log's head (an
    // event appended later is not published yet, whatever a caller claims).
    await this.serializeWrites(() =>
      sql`UPDATE outbox_position SET published_seq = (SELECT CASE WHEN last_seq < ${uptoSeq} THEN last_seq ELSE ${uptoSeq} END FROM log_head WHERE id = 1)
          WHERE id = 1 AND published_seq < ${uptoSeq}`.execute(this.db),
    );
  }

  private async publishedSeq(): Promise<number> {
    const sync = this.options.outboxReads;
    if (sync) return sync.publishedSeq();
    const r = await this.db.selectFrom('outbox_position').select('published_seq').where('id', '=', 1).executeTakeFirstOrThrow();
    return Number(r.published_seq);
  }

  async pruneBefore(beforeSeq: number, options: { readonly reason: string }): Promise<RetentionMarker> {
    if (!Number.isSafeInteger(beforeSeq) || beforeSeq < 2) throw new TypeError(`${this.service} log pruneBefore: seq ${beforeSeq} must be an integer of at least 2`);
    if (!options.reason.trim()) throw new TypeError(`${this.service} log pruneBefore: a reason is required (it is kept in the marker)`);
    return this.serializeWrites(() =>
      this.db.transaction().execute((trx) =>
        pruneLog(trx, { location: this.options.location, beforeSeq, reason: options.reason, now: this.clock().toISOString() }),
      ),
    );
  }

  retention(): Promise<RetentionMarker | undefined> {
    return latestMarker(this.db);
  }

  async saveSnapshot<S>(snapshot: Omit<Snapshot<S>, 'time'>): Promise<void> {
    const row = {
      name: snapshot.name,
      projection_version: snapshot.projectionVersion,
      seq: snapshot.seq,
      state: JSON.stringify(snapshot.state),
      time: this.clock().toISOString(),
    };
    await this.serializeWrites(() =>
      this.db
        .insertInto('snapshots')
        .values(row)
        .onConflict((oc) =>
          oc.column('name').doUpdateSet({ projection_version: row.projection_version, seq: row.seq, state: row.state, time: row.time }),
        )
        .execute(),
    );
  }

  async loadSnapshot<S>(name: string): Promise<Snapshot<S> | undefined> {
    const r = await this.db.selectFrom('snapshots').selectAll().where('name', '=', name).executeTakeFirst();
    if (!r) return undefined;
    return { name: r.name, projectionVersion: r.projection_version, seq: Number(r.seq), state: JSON.parse(r.state) as S, time: r.time };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // Appends already queued still commit; later ones are refused (appendMany).
    while (this.flushing) await this.flushing;
    await this.options.committer?.close();
    await this.db.destroy();
    await this.options.onClose?.();
  }

  private decode(r: EventsTable): EventEnvelope {
    return this.decoder.decode([Number(r.seq), r.id, r.stream, Number(r.version), r.type, Number(r.schema_version), r.time, r.cause, r.data]);
  }

  // The envelope as stored, built around the stored JSON text so no re-serialization can change a byte.
  private storedJson(r: Omit<EventsTable, 'hash'>): string {
    return (
      `{"id":${JSON.stringify(r.id)},"service":${JSON.stringify(this.service)},"stream":${JSON.stringify(r.stream)},` +
      `"version":${Number(r.version)},"seq":${Number(r.seq)},"type":${JSON.stringify(r.type)},` +
      `"schemaVersion":${Number(r.schema_version)},"time":${JSON.stringify(r.time)},"cause":${r.cause},"data":${r.data}}`
    );
  }
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
