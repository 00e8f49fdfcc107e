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
import { DeliveryCursor } from './internal/delivery-cursor.js';
import { LazyCursorSaver } from './internal/lazy-cursor-saver.js';
import { streamBounds, type StreamBounds } from './internal/stream-probe.js';
import { WakeSignal } from './internal/wake-signal.js';
import { trackRunningConsumer, type RunningConsumer } from './running-consumers.js';

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

const BATCH_MESSAGES = 256;
// Pull requests expire after 5 s, so a lost stream or consumer is noticed within seconds
// rather than the client default of 30 s.
const PULL_EXPIRES_MS = 5000;
const RETRY_FIRST_MS = 100;
const RETRY_MAX_MS = 2000;

/**
 * Applies one service's events from its JetStream stream, in log order, exactly once per
 * cursor position. Delivery comes from an ordered consumer starting at stream seq cursor + 1;
 * the envelope's own `seq` decides: at or below the cursor is a duplicate (dropped),
 * cursor + 1 is applied, beyond it is a gap. On a gap the consumer redelivers from
 * cursor + 1; when the stream no longer holds that far back it resets the handler and
 * replays what the stream has; a hole inside the stream that redelivery cannot fill is
 * reported and stepped over. Messages that are not valid events are counted, reported and
 * skipped. A failed apply is retried, never skipped.
 */
export class EventConsumer implements RunningConsumer {
  private readonly nc: NatsConnection;
  private readonly js: JetStreamClient;
  readonly service: ServiceName;
  private readonly stream: string;
  private readonly registry: EventRegistry;
  /** The cursor key. */
  readonly name: string;
  private readonly handler: EventHandler;
  private readonly onMalformed: EventConsumerOptions['onMalformed'];
  private readonly saver: LazyCursorSaver;
  private jsm: JetStreamManager | undefined;

  private track = new DeliveryCursor(0);
  private streamLastSeq = 0;
  /** Stream's last seq at the latest (re)start; undefined until the stream was asked. */
  private syncTarget: number | undefined;
  private lastAppliedTime: string | undefined;
  private startedAt = Date.now();

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

  constructor(options: EventConsumerOptions) {
    if (!options.name) throw new TypeError('EventConsumer option name (the cursor key) must not be empty');
    this.nc = options.nc;
    this.js = jetstream(options.nc);
    this.service = options.service;
    this.stream = jetStreamName(options.service);
    this.registry = options.registry;
    this.name = options.name;
    this.handler = options.handler;
    this.onMalformed = options.onMalformed;
    this.saver = new LazyCursorSaver(
      options.cursors,
      options.name,
      () => this.track.cursor,
      (e) => this.setError(e, false),
    );
  }

  /** Loads the cursor and starts delivery from cursor + 1. Resolves once delivery is under way (or retrying). */
  async start(): Promise<void> {
    if (this.loop) return;
    this.stopping = false;
    this.track = new DeliveryCursor(await this.saver.load());
    this.startedAt = Date.now();
    this.syncTarget = undefined;
    try {
      // Learn the stream's end now, so status() and waitInSync() are meaningful at once.
      this.noteBounds(await streamBounds(await this.manager(), this.stream));
    } catch (e) {
      this.setError(e, true);
    }
    this.stopWatching = watchConnection(this.nc, (s) => this.onStatus(s));
    this.loop = this.run();
    trackRunningConsumer(this, true);
  }

  /** Stops delivery after the event in hand and saves the cursor. */
  async stop(): Promise<void> {
    if (!this.loop) return;
    trackRunningConsumer(this, false);
    this.stopping = true;
    this.retryWake.fire();
    void this.messages?.close();
    await this.loop;
    this.loop = undefined;
    this.stopWatching?.();
    this.stopWatching = undefined;
    await this.saver.flush();
  }

  status(): ConsumerStatus {
    const cursor = this.track.cursor;
    // Under the relay's invariant (stream seq = log seq) this is streamLastSeq - cursor; the
    // stream position also counts messages that were skipped or dropped as duplicates.
    const lag = Math.max(0, this.streamLastSeq - this.track.handledUpTo);
    let lagSeconds = 0;
    if (lag > 0) {
      const since = this.lastAppliedTime ? Date.parse(this.lastAppliedTime) : this.startedAt;
      lagSeconds = Math.max(0, (Date.now() - since) / 1000);
    }
    return {
      service: this.service,
      cursor,
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
    return this.progress.waitUntil(() => this.track.cursor >= seq, timeoutMs);
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
    return this.syncTarget !== undefined && this.track.handledUpTo >= this.syncTarget;
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
        this.setError(e, true);
        await this.retryWake.wait(backoff.next());
      }
      if (this.nc.isClosed()) {
        this.setError(new Error('NATS connection closed'), false);
        return;
      }
    }
  }

  /** One ordered consumer from where the cursor says, until stop, a restart, the end of delivery, or an error. */
  private async deliver(): Promise<Verdict> {
    const bounds = await streamBounds(await this.manager(), this.stream);
    this.noteBounds(bounds);
    if (!bounds) throw new Error(`stream ${this.stream} does not exist yet (nothing published)`);
    const consumer = await this.js.consumers.get(this.stream, {
      deliver_policy: DeliverPolicy.StartSequence,
      opt_start_seq: this.track.resumeAt,
    });
    const messages = await consumer.consume({ max_messages: BATCH_MESSAGES, expires: PULL_EXPIRES_MS });
    this.messages = messages;
    if (this.lastErrorIsTransient) this.lastError = undefined;
    let verdict: Verdict = 'next';
    try {
      if (this.stopping) return verdict;
      for await (const m of messages) {
        verdict = await this.handle(m);
        if (verdict === 'restart' || this.stopping) break;
      }
    } finally {
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
      this.track.skipMalformed(m.seq);
      this.cursorMoved();
      return 'next';
    }
    const placement = this.track.place(m.seq, event.seq);
    if (placement === 'duplicate') {
      this.duplicates += 1;
      this.progress.check();
      return 'next';
    }
    if (placement === 'gap' && (await this.recoverFromGap(m.seq, event.seq)) === 'restart') return 'restart';
    await this.handler.apply(event);
    this.applied += 1;
    this.lastAppliedTime = event.time;
    this.track.applied(m.seq, event.seq);
    this.cursorMoved();
    return 'next';
  }

  private async recoverFromGap(streamSeq: number, eventSeq: number): Promise<Verdict> {
    const missing = `events ${this.track.cursor + 1}..${eventSeq - 1}`;
    const bounds = await streamBounds(await this.manager(), this.stream);
    const { plan, newGap } = this.track.planGap(streamSeq, bounds?.firstSeq);
    if (newGap) this.gaps += 1;
    switch (plan.kind) {
      case 'rebuild':
        await this.handler.reset();
        this.track.rebuilt(plan.fromStreamSeq);
        this.lastAppliedTime = undefined;
        await this.saver.flush();
        this.restarting();
        this.setError(`${missing} are no longer in stream ${this.stream}; state reset, replaying from stream seq ${plan.fromStreamSeq}`, false);
        return 'restart';
      case 'redeliver':
        this.track.redeliverFrom(plan.fromStreamSeq);
        this.restarting();
        return 'restart';
      case 'step-over':
        this.setError(`${missing} are missing from stream ${this.stream}; continuing at seq ${eventSeq}`, false);
        return 'next';
    }
  }

  private restarting(): void {
    this.rebootstraps += 1;
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

  private cursorMoved(): void {
    this.saver.moved();
    this.progress.check();
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

  /** Records an error for status(); a transient one (a failed delivery attempt) is cleared once delivery works. */
  private setError(e: unknown, transient: boolean): void {
    const message = typeof e === 'string' ? e : e instanceof Error ? e.message : String(e);
    this.lastError = `${this.name}: ${message}`;
    this.lastErrorIsTransient = transient;
  }
}
