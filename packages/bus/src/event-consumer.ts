import { jetStreamName, type EventEnvelope, type EventRegistry, type ServiceName } from '@netledger/contracts';
import {
  DeliverPolicy,
  jetstream,
  jetstreamManager,
  type ConsumerMessages,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
} from '@nats-io/jetstream';
import type { NatsConnection, Status } from '@nats-io/transport-node';
import type { CursorStore } from './cursor-store.js';
import { MalformedMessageError } from './errors.js';
import type { EventHandler } from './event-handler.js';
import { Backoff } from './internal/backoff.js';
import { Condition } from './internal/condition.js';
import { watchConnection } from './internal/connection-status.js';
import { streamBounds, type StreamBounds } from './internal/stream-probe.js';
import { WakeSignal } from './internal/wake-signal.js';

/** Where a consumer stands, for status pages, health checks and tests. */
export interface ConsumerStatus {
  service: ServiceName;
  /** Log sequence of the last event applied (or skipped as malformed). */
  cursor: number;
  /** Last sequence in the stream, as last seen. */
  streamLastSeq: number;
  /** Messages in the stream not handled yet: streamLastSeq - cursor, never below 0. */
  lag: number;
  /** When behind: age of the last applied event (or time since start if none was applied); else 0. */
  lagSeconds: number;
  /** Caught up with the stream's last sequence seen at the latest (re)start. */
  inSync: boolean;
  applied: number;
  duplicates: number;
  gaps: number;
  malformed: number;
  rebootstraps: number;
  lastError?: string;
}

export interface EventConsumerOptions {
  nc: NatsConnection;
  service: ServiceName;
  registry: EventRegistry;
  /** Cursor key: one per consumer and service, stable across restarts (e.g. "node-a/policy"). */
  name: string;
  cursors: CursorStore;
  handler: EventHandler;
  /** Told about each message that is skipped because it is not a valid event. */
  onMalformed?: (info: { streamSeq: number; error: Error }) => void;
}

type Verdict = 'next' | 'restart';

const SAVE_EVERY_EVENTS = 100;
const SAVE_AFTER_MS = 50;
const BATCH_MESSAGES = 256;
// Pull requests expire after 5 s, so a lost stream or consumer is noticed within seconds
// rather than the client default of 30 s.
const PULL_EXPIRES_MS = 5000;
const RETRY_FIRST_MS = 100;
const RETRY_MAX_MS = 2000;

/**
 * Applies one service's events from its JetStream stream, in log order, exactly once per
 * cursor position. Delivery comes from an ordered consumer starting at stream seq cursor + 1;
 * the envelope's own `seq` decides: below the cursor is a duplicate (dropped), cursor + 1 is
 * applied, beyond it is a gap. On a gap the consumer redelivers from cursor + 1; when the
 * stream no longer holds that far back it resets the handler and replays what the stream
 * has. Messages that are not valid events are counted, reported and skipped.
 */
export class EventConsumer {
  private readonly nc: NatsConnection;
  private readonly js: JetStreamClient;
  private readonly service: ServiceName;
  private readonly stream: string;
  private readonly registry: EventRegistry;
  private readonly name: string;
  private readonly cursors: CursorStore;
  private readonly handler: EventHandler;
  private readonly onMalformed: EventConsumerOptions['onMalformed'];
  private jsm: JetStreamManager | undefined;

  private cursor = 0;
  private savedCursor = 0;
  private unsaved = 0;
  /** Stream seq of the last message handled, whatever became of it. */
  private position = 0;
  /** Stream seq to start the next delivery at. */
  private nextStart = 1;
  private streamLastSeq = 0;
  /** Stream's last seq at the latest (re)start; undefined until the stream was asked. */
  private syncTarget: number | undefined;
  private lastAppliedTime: string | undefined;
  private startedAt = Date.now();
  /** After handler.reset(): the next valid event is taken as the new beginning. */
  private bootstrapping = false;
  /** The gap that caused the last redelivery, to notice when redelivery cannot fill it. */
  private lastGap: { readonly streamSeq: number; readonly cursor: number } | undefined;

  private applied = 0;
  private duplicates = 0;
  private gaps = 0;
  private malformed = 0;
  private rebootstraps = 0;
  private lastError: string | undefined;
  /** The last error came from a failed delivery attempt and goes away once delivery works. */
  private lastErrorIsTransient = false;

  private loop: Promise<void> | undefined;
  private stopping = false;
  private messages: ConsumerMessages | undefined;
  private stopWatching: (() => void) | undefined;
  private readonly retryWake = new WakeSignal();
  private readonly progress = new Condition();
  private saveTimer: NodeJS.Timeout | undefined;
  private saving: Promise<void> = Promise.resolve();

  constructor(options: EventConsumerOptions) {
    if (!options.name) throw new TypeError('EventConsumer option name (the cursor key) must not be empty');
    this.nc = options.nc;
    this.js = jetstream(options.nc);
    this.service = options.service;
    this.stream = jetStreamName(options.service);
    this.registry = options.registry;
    this.name = options.name;
    this.cursors = options.cursors;
    this.handler = options.handler;
    this.onMalformed = options.onMalformed;
  }

  /** Loads the cursor and starts delivery from cursor + 1. Resolves once delivery is under way (or retrying). */
  async start(): Promise<void> {
    if (this.loop) return;
    this.stopping = false;
    this.cursor = this.savedCursor = await this.cursors.load(this.name);
    this.position = this.cursor;
    this.nextStart = this.cursor + 1;
    this.startedAt = Date.now();
    this.syncTarget = undefined;
    try {
      // Learn the stream's end now, so status() and waitInSync() are meaningful at once.
      this.noteBounds(await streamBounds(await this.manager(), this.stream));
    } catch (e) {
      this.lastError = this.describe(e);
      this.lastErrorIsTransient = true;
    }
    this.stopWatching = watchConnection(this.nc, (s) => this.onStatus(s));
    this.loop = this.run();
  }

  /** Stops delivery after the event in hand and saves the cursor. */
  async stop(): Promise<void> {
    if (!this.loop) return;
    this.stopping = true;
    this.retryWake.fire();
    void this.messages?.close();
    await this.loop;
    this.loop = undefined;
    this.stopWatching?.();
    this.stopWatching = undefined;
    clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    await this.flushCursor();
  }

  status(): ConsumerStatus {
    // Under the relay's invariant (stream seq = log seq) this is streamLastSeq - cursor; the
    // stream position also counts messages that were skipped or dropped as duplicates.
    const lag = Math.max(0, this.streamLastSeq - this.handledUpTo());
    let lagSeconds = 0;
    if (lag > 0) {
      const since = this.lastAppliedTime ? Date.parse(this.lastAppliedTime) : this.startedAt;
      lagSeconds = Math.max(0, (Date.now() - since) / 1000);
    }
    return {
      service: this.service,
      cursor: this.cursor,
      streamLastSeq: this.streamLastSeq,
      lag,
      lagSeconds,
      inSync: this.inSync(),
      applied: this.applied,
      duplicates: this.duplicates,
      gaps: this.gaps,
      malformed: this.malformed,
      rebootstraps: this.rebootstraps,
      ...(this.lastError !== undefined ? { lastError: this.lastError } : {}),
    };
  }

  /** True once caught up with the stream's last seq seen at the latest (re)start; false after `timeoutMs`. */
  waitInSync(timeoutMs: number): Promise<boolean> {
    return this.progress.waitUntil(() => this.inSync(), timeoutMs);
  }

  /** True once the cursor reached `seq`; false after `timeoutMs`. */
  waitForSeq(seq: number, timeoutMs: number): Promise<boolean> {
    return this.progress.waitUntil(() => this.cursor >= seq, timeoutMs);
  }

  private onStatus(s: Status): void {
    if (s.type !== 'reconnect') return;
    // The server may have restarted without our consumer, or with a recreated stream. The
    // client library recovers on its own, but only after its pull expires; starting over
    // from our own position is immediate and certain.
    void this.messages?.close();
    this.retryWake.fire();
  }

  private inSync(): boolean {
    return this.syncTarget !== undefined && this.handledUpTo() >= this.syncTarget;
  }

  private handledUpTo(): number {
    return Math.max(this.cursor, this.position);
  }

  private async run(): Promise<void> {
    const backoff = new Backoff(RETRY_FIRST_MS, RETRY_MAX_MS);
    while (!this.stopping) {
      try {
        const verdict = await this.deliver();
        if (verdict === 'restart') {
          backoff.reset();
        } else if (!this.stopping) {
          // Delivery ended by itself (reconnect, or the client gave up): start over, without spinning.
          await this.retryWake.wait(backoff.next());
        }
      } catch (e) {
        this.lastError = this.describe(e);
        this.lastErrorIsTransient = true;
        // Resume after what was handled; a failed apply is retried, not skipped.
        this.nextStart = this.position + 1;
        await this.retryWake.wait(backoff.next());
      }
      if (this.nc.isClosed()) {
        this.lastError = `${this.name}: NATS connection closed`;
        return;
      }
    }
  }

  /** One ordered consumer from `nextStart`, until stop, a restart verdict, the end of delivery, or an error. */
  private async deliver(): Promise<Verdict> {
    const bounds = await streamBounds(await this.manager(), this.stream);
    this.noteBounds(bounds);
    if (!bounds) throw new Error(`stream ${this.stream} does not exist yet (nothing published)`);
    const consumer = await this.js.consumers.get(this.stream, {
      deliver_policy: DeliverPolicy.StartSequence,
      opt_start_seq: Math.max(1, this.nextStart),
    });
    const messages = await consumer.consume({ max_messages: BATCH_MESSAGES, expires: PULL_EXPIRES_MS });
    this.messages = messages;
    if (this.lastErrorIsTransient) {
      this.lastError = undefined;
      this.lastErrorIsTransient = false;
    }
    let verdict: Verdict = 'next';
    try {
      if (this.stopping) return verdict;
      for await (const m of messages) {
        verdict = await this.handle(m);
        if (verdict === 'restart' || this.stopping) break;
      }
    } finally {
      // A gap chose where to restart; otherwise carry on after what was handled.
      if (verdict !== 'restart') this.nextStart = this.position + 1;
      this.messages = undefined;
      messages.stop();
      // Ordered consumers are ephemeral but would linger on the server until their inactivity timeout.
      consumer.delete().catch(() => undefined);
    }
    return verdict;
  }

  private async handle(m: JsMsg): Promise<Verdict> {
    this.streamLastSeq = Math.max(this.streamLastSeq, m.seq + m.info.pending);
    const event = this.decode(m);
    if (!event) {
      this.malformed += 1;
      // The event at cursor + 1 is unreadable: step past it rather than stall forever.
      if (!this.bootstrapping && m.seq === this.cursor + 1) this.advance(m.seq);
      this.position = m.seq;
      this.progress.check();
      return 'next';
    }
    if (this.bootstrapping) {
      this.bootstrapping = false;
      this.cursor = event.seq - 1;
    }
    if (event.seq <= this.cursor) {
      this.duplicates += 1;
      this.position = m.seq;
      this.progress.check();
      return 'next';
    }
    if (event.seq > this.cursor + 1 && (await this.onGap(m, event)) === 'restart') return 'restart';
    await this.handler.apply(event);
    this.applied += 1;
    this.lastAppliedTime = event.time;
    this.position = m.seq;
    this.advance(event.seq);
    return 'next';
  }

  /** Decides what to do about events missing before `event`: 'restart' delivery, or 'next' to accept the jump. */
  private async onGap(m: JsMsg, event: EventEnvelope): Promise<Verdict> {
    const want = this.cursor + 1;
    const sameGapAgain = this.lastGap?.streamSeq === m.seq && this.lastGap.cursor === this.cursor;
    if (!sameGapAgain) this.gaps += 1;
    const bounds = await streamBounds(await this.manager(), this.stream);
    if (bounds && want < bounds.firstSeq) {
      // What we miss was purged from the stream: rebuild from what it still holds.
      await this.handler.reset();
      this.cursor = 0;
      this.position = bounds.firstSeq - 1;
      this.lastAppliedTime = undefined;
      this.bootstrapping = true;
      await this.flushCursor();
      this.restartAt(bounds.firstSeq);
      this.lastErrorIsTransient = false;
      this.lastError = `${this.name}: events ${want}..${event.seq - 1} are no longer in stream ${this.stream}; state reset, replaying from stream seq ${bounds.firstSeq}`;
      return 'restart';
    }
    if (!sameGapAgain) {
      this.lastGap = { streamSeq: m.seq, cursor: this.cursor };
      this.restartAt(want);
      return 'restart';
    }
    // Redelivery from `want` brought the same jump: the stream itself lacks these events
    // (deleted, or written by something other than a relay). Replaying again cannot help.
    this.lastGap = undefined;
    this.lastErrorIsTransient = false;
    this.lastError = `${this.name}: events ${want}..${event.seq - 1} are missing from stream ${this.stream}; continuing at seq ${event.seq}`;
    return 'next';
  }

  private restartAt(streamSeq: number): void {
    this.rebootstraps += 1;
    this.nextStart = streamSeq;
    this.syncTarget = undefined;
  }

  private decode(m: JsMsg): EventEnvelope | undefined {
    let error: Error;
    try {
      let raw: unknown;
      try {
        raw = JSON.parse(m.string());
      } catch (cause) {
        throw new MalformedMessageError(this.stream, m.seq, `payload is not JSON: ${(cause as Error).message}`, { cause });
      }
      const event = this.registry.decode(raw, `stream ${this.stream} seq ${m.seq}`);
      if (event.service === this.service) return event;
      error = new MalformedMessageError(this.stream, m.seq, `event ${event.id} belongs to service ${event.service}, not ${this.service}`);
    } catch (e) {
      error = e instanceof Error ? e : new Error(String(e));
    }
    try {
      this.onMalformed?.({ streamSeq: m.seq, error });
    } catch {
      // A failing callback must not stop delivery.
    }
    return undefined;
  }

  private advance(seq: number): void {
    this.cursor = seq;
    this.unsaved += 1;
    this.lastGap = undefined;
    // Saving lazily is safe: after a crash the last events are applied again, and that is harmless.
    if (this.unsaved >= SAVE_EVERY_EVENTS) void this.flushCursor();
    else this.saveTimer ??= setTimeout(() => void this.flushCursor(), SAVE_AFTER_MS);
    this.progress.check();
  }

  /** Saves the cursor if it moved; saves run one at a time, in order. Never rejects. */
  private flushCursor(): Promise<void> {
    clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    this.unsaved = 0;
    this.saving = this.saving.then(async () => {
      const seq = this.cursor;
      if (seq === this.savedCursor) return;
      try {
        await this.cursors.save(this.name, seq);
        this.savedCursor = seq;
      } catch (e) {
        this.lastError = this.describe(e);
      }
    });
    return this.saving;
  }

  private noteBounds(bounds: StreamBounds | undefined): void {
    // A missing stream has nothing to catch up with; a wiped and recreated one may be shorter than before.
    const last = bounds?.lastSeq ?? 0;
    this.streamLastSeq = last;
    this.syncTarget ??= last;
    this.progress.check();
  }

  private async manager(): Promise<JetStreamManager> {
    this.jsm ??= await jetstreamManager(this.nc, { checkAPI: false });
    return this.jsm;
  }

  private describe(e: unknown): string {
    return `${this.name}: ${e instanceof Error ? e.message : String(e)}`;
  }
}
