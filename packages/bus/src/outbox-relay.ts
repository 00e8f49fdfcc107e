import { eventSubject, jetStreamName, type EventEnvelope, type ServiceName } from '@netledger/contracts';
import type { EventLog } from '@netledger/eventlog';
import { JetStreamApiCodes, jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection, Status } from '@nats-io/transport-node';
import { ensureServiceStream } from './ensure-service-stream.js';
import { BusDisconnectedError, RelayPublishError, StreamDivergedError, StreamProvisionError } from './errors.js';
import { Backoff } from './internal/backoff.js';
import { watchConnection } from './internal/connection-status.js';
import { publishPipelined } from './internal/pipelined-publisher.js';
import { planReconcile, type ReconcileFacts } from './internal/reconcile-plan.js';
import { isJetStreamApiError, storedMessageId, streamBounds } from './internal/stream-probe.js';
import { WakeSignal } from './internal/wake-signal.js';

/** What a relay has done, for status pages and health checks. */
export interface RelayStats {
  /** Events this relay instance got acknowledged by JetStream (repairs included). */
  published: number;
  /** Highest log sequence known to be in the stream. */
  lastPublishedSeq: number;
  connected: boolean;
  /** The last failure, cleared by the next successful round. */
  lastError?: string;
}

export interface OutboxRelayOptions {
  log: EventLog;
  nc: NatsConnection;
  /** Outbox rows published per round, all in flight at once (default 500). */
  batchSize?: number;
  /** How often to look at the outbox when nobody calls notify() (default 200 ms). */
  pollIntervalMs?: number;
  /** Called with every failure (publish, connection, divergence); the relay keeps retrying. */
  onError?: (e: Error) => void;
}

interface PublishItem {
  readonly seq: number;
  readonly eventId: string;
  readonly subject: string;
  readonly payload: string;
}

// Outbox rows are deleted in batches, not after every publish: an ack is a write transaction
// (an fsync) competing with appends. Deferring it is safe: a relay that dies with rows
// published but not acked finds them in the stream at its next start and acks them then.
const ACK_EVERY_EVENTS = 5000;
const ACK_DELAY_MS = 100;

const RETRY_FIRST_MS = 100;
const RETRY_MAX_MS = 5000;
const ACK_TIMEOUT_MS = 10_000;
// Acknowledgement checkpoints per batch while all goes well (see publishPipelined); after a
// failure every message asks for its own, so the error names the event that failed.
const ACK_EVERY_HEALTHY = 64;

/**
 * Moves a service's outbox to its JetStream stream, in log order, so that stream sequence N
 * is log sequence N. Every publish carries the event id as `Nats-Msg-Id` (JetStream drops a
 * copy it has seen within the duplicate window) and the sequence the stream must end at
 * before it (seq - 1), so a message can neither be doubled nor land out of order. Outbox rows
 * are acknowledged in the log only after JetStream acknowledged them.
 *
 * Before publishing, and after any failure or reconnect, the relay compares the stream with
 * the log: events an earlier relay published without acknowledging are acknowledged, events
 * the stream lost are published again from the log, and a stream holding events the log
 * does not have stops the relay (reported in `stats().lastError`).
 */
export class OutboxRelay {
  private readonly log: EventLog;
  private readonly nc: NatsConnection;
  private readonly service: ServiceName;
  private readonly streamName: string;
  private readonly batchSize: number;
  private readonly pollIntervalMs: number;
  private readonly onError: ((e: Error) => void) | undefined;
  private jsm: JetStreamManager | undefined;

  /** Wakes an idle relay: notify(), reconnect, stop. */
  private readonly wake = new WakeSignal();
  /** Cuts a retry delay short: reconnect, stop. notify() does not, or every append would hammer a dead server. */
  private readonly interrupt = new WakeSignal();
  private readonly backoff = new Backoff(RETRY_FIRST_MS, RETRY_MAX_MS);
  private loop: Promise<void> | undefined;
  private stopping = false;
  private stopWatching: (() => void) | undefined;
  /** Last stream sequence known to hold our events; undefined until (re)checked against the log. */
  private streamLast: number | undefined;
  private ackEvery = ACK_EVERY_HEALTHY;

  /** Published and confirmed by JetStream, but not yet removed from the outbox. */
  private unackedUpTo = 0;
  private unackedCount = 0;
  private lastAckAt = 0;

  private connected = false;
  private published = 0;
  private lastPublishedSeq = 0;
  private lastError: string | undefined;

  constructor(options: OutboxRelayOptions) {
    this.log = options.log;
    this.nc = options.nc;
    this.service = options.log.service;
    this.streamName = jetStreamName(options.log.service);
    this.batchSize = positive('batchSize', options.batchSize ?? 500);
    this.pollIntervalMs = positive('pollIntervalMs', options.pollIntervalMs ?? 200);
    this.onError = options.onError;
  }

  /** Starts publishing in the background. Calling it twice is harmless. */
  start(): void {
    if (this.loop) return;
    this.stopping = false;
    this.streamLast = undefined;
    this.connected = !this.nc.isClosed();
    this.stopWatching = watchConnection(this.nc, (s) => this.onStatus(s));
    this.loop = this.run();
  }

  /** Publishes now instead of at the next poll; call it after each append. */
  notify(): void {
    this.wake.fire();
  }

  /** Lets the batch in flight finish (publish and outbox ack), then stops. */
  async stop(): Promise<void> {
    if (!this.loop) return;
    this.stopping = true;
    this.wake.fire();
    this.interrupt.fire();
    await this.loop;
    this.loop = undefined;
    await this.ackOutbox(true).catch((e: unknown) => this.report(e));
    this.stopWatching?.();
    this.stopWatching = undefined;
  }

  stats(): RelayStats {
    return {
      published: this.published,
      lastPublishedSeq: this.lastPublishedSeq,
      connected: this.connected,
      ...(this.lastError !== undefined ? { lastError: this.lastError } : {}),
    };
  }

  /** Resolves true once the outbox is empty (everything published and acknowledged), false after `timeoutMs`. */
  async drain(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      await this.ackOutbox(true);
      const [pending] = await this.log.outboxPeek(1);
      if (!pending) return true;
      const left = deadline - Date.now();
      if (left <= 0) return false;
      this.notify();
      await new Promise((r) => setTimeout(r, Math.min(25, left)));
    }
  }

  private onStatus(s: Status): void {
    if (s.type === 'disconnect' || s.type === 'close') {
      this.connected = false;
    } else if (s.type === 'reconnect') {
      this.connected = true;
      // A restarted server may have kept everything, lost its tail, or lost the whole store.
      this.streamLast = undefined;
      this.interrupt.fire();
      this.wake.fire();
    }
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      let busy: boolean;
      try {
        busy = await this.round();
        await this.ackOutbox(false);
        this.backoff.reset();
        this.lastError = undefined;
        this.ackEvery = ACK_EVERY_HEALTHY;
      } catch (e) {
        // After any failure we no longer know what the stream holds: look before publishing again.
        this.streamLast = undefined;
        this.ackEvery = 1;
        this.report(e);
        await this.interrupt.wait(this.backoff.next());
        continue;
      }
      if (!busy) await this.wake.wait(this.unackedCount > 0 ? Math.min(this.pollIntervalMs, ACK_DELAY_MS) : this.pollIntervalMs);
    }
  }

  /** One batch. Returns true when there is probably more to do right away. */
  private async round(): Promise<boolean> {
    if (!this.connected) throw new BusDisconnectedError(`${this.service} relay`);
    if (this.streamLast === undefined) {
      await this.reconcile();
      if (this.stopping) return false;
    }
    const streamLast = this.streamLast!;
    // Rows published but not yet acked are still in the outbox: read after them.
    const batch = await this.log.outboxPeek(this.batchSize, streamLast);
    const first = batch[0];
    if (!first) return false;
    if (first.seq !== streamLast + 1) {
      throw new StreamDivergedError(
        this.service,
        this.streamName,
        streamLast,
        first.seq,
        `the outbox starts at seq ${first.seq} but the stream ends at seq ${streamLast} (is another relay publishing this log?); checking again`,
      );
    }
    await this.publishInOrder(batch, true);
    return batch.length === this.batchSize;
  }

  /** Brings the stream and the log into line before publishing from the outbox. */
  private async reconcile(): Promise<void> {
    await ensureServiceStream(this.nc, this.service);
    const facts = await this.gatherFacts();
    const plan = planReconcile(facts);
    if (plan.kind === 'diverged') {
      throw new StreamDivergedError(this.service, this.streamName, facts.streamLastSeq, facts.logLastSeq, plan.reason);
    }
    if (plan.kind === 'ack-published') await this.log.outboxAck(plan.upToSeq);
    this.streamLast = facts.streamLastSeq;
    this.lastPublishedSeq = facts.streamLastSeq;
    if (plan.kind === 'republish') await this.republish(plan.fromSeq, plan.toSeq);
  }

  private async gatherFacts(): Promise<ReconcileFacts> {
    const jsm = await this.manager();
    const bounds = await streamBounds(jsm, this.streamName);
    if (!bounds) throw new StreamProvisionError(this.streamName, 'missing right after it was created');
    // The stream first: only this relay appends to it, so the log can only be further ahead.
    const head = await this.log.head();
    const [pending] = await this.log.outboxPeek(1);
    const streamLastSeq = bounds.lastSeq;
    let streamLastMsgId: string | undefined;
    let logIdAtStreamLast: string | undefined;
    if (streamLastSeq > 0 && streamLastSeq <= head.lastSeq) {
      streamLastMsgId = await storedMessageId(jsm, this.streamName, streamLastSeq);
      const [event] = await this.log.readAll(streamLastSeq, { limit: 1 });
      logIdAtStreamLast = event?.seq === streamLastSeq ? event.id : undefined;
    }
    return {
      streamLastSeq,
      streamLastMsgId,
      logLastSeq: head.lastSeq,
      logPublishedSeq: pending ? pending.seq - 1 : head.lastSeq,
      logIdAtStreamLast,
    };
  }

  /**
   * Publishes log events the stream lost (its store was wiped or truncated). They left the
   * outbox long ago, so they are rebuilt from the log; an event whose schema was upcast since
   * goes out at its current schema version.
   */
  private async republish(from: number, to: number): Promise<void> {
    let next = from;
    while (next <= to && !this.stopping) {
      const events = await this.log.readAll(next, { limit: Math.min(this.batchSize, to - next + 1) });
      if (events.length === 0) return;
      await this.publishInOrder(events.map((e) => this.itemOf(e)), false);
      next = events.at(-1)!.seq + 1;
    }
  }

  /**
   * Sends every item before awaiting any acknowledgement (one round trip per batch, not per
   * event). The expected-last-sequence header makes the server store them in this order or
   * reject the rest, so the confirmed prefix is exactly what the stream now holds.
   */
  private async publishInOrder(items: readonly PublishItem[], fromOutbox: boolean): Promise<void> {
    const acks = await publishPipelined(
      this.nc,
      items.map((it) => ({ subject: it.subject, payload: it.payload, msgId: it.eventId, expectedLastSeq: it.seq - 1 })),
      ACK_TIMEOUT_MS,
      this.ackEvery,
    );
    let confirmed = 0;
    let count = 0;
    let failure: Error | undefined;
    for (const [i, ack] of acks.entries()) {
      const it = items[i]!;
      if (!ack.ok) {
        failure = this.publishError(it, ack.error);
        break;
      }
      if (ack.seq !== it.seq) {
        const copy = ack.duplicate ? 'an earlier copy of it is' : 'it was';
        failure = new StreamDivergedError(this.service, this.streamName, ack.seq, it.seq, `event ${it.eventId}: ${copy} stored at stream seq ${ack.seq}`);
        break;
      }
      confirmed = it.seq;
      count += 1;
    }
    if (count > 0) {
      if (fromOutbox) {
        this.unackedUpTo = confirmed;
        this.unackedCount += count;
      }
      this.streamLast = confirmed;
      this.lastPublishedSeq = confirmed;
      this.published += count;
    }
    if (failure) throw failure;
  }

  /** Removes published rows from the outbox: when forced, or once enough rows or time have piled up. */
  private async ackOutbox(force: boolean): Promise<void> {
    if (this.unackedCount === 0) return;
    if (!force && this.unackedCount < ACK_EVERY_EVENTS && Date.now() - this.lastAckAt < ACK_DELAY_MS) return;
    const upTo = this.unackedUpTo;
    const count = this.unackedCount;
    await this.log.outboxAck(upTo);
    this.lastAckAt = Date.now();
    if (this.unackedUpTo === upTo) {
      this.unackedCount = 0;
    } else {
      this.unackedCount -= count;
    }
  }

  private publishError(it: PublishItem, cause: Error): Error {
    if (isJetStreamApiError(cause, JetStreamApiCodes.StreamWrongLastSequence)) {
      // Someone (an earlier relay that died before its outbox ack) already published past here.
      return new RelayPublishError(this.service, it.seq, it.eventId, `the stream already moved on (${cause.message})`, { cause });
    }
    return new RelayPublishError(this.service, it.seq, it.eventId, cause.message, { cause });
  }

  private itemOf(e: EventEnvelope): PublishItem {
    return { seq: e.seq, eventId: e.id, subject: eventSubject(this.service, e.type, e.stream), payload: JSON.stringify(e) };
  }

  private async manager(): Promise<JetStreamManager> {
    this.jsm ??= await jetstreamManager(this.nc, { checkAPI: false });
    return this.jsm;
  }

  private report(e: unknown): void {
    const error = e instanceof Error ? e : new Error(String(e));
    this.lastError = error.message;
    try {
      this.onError?.(error);
    } catch {
      // A failing error callback must not stop the relay.
    }
  }
}

function positive(field: string, value: number): number {
  if (!Number.isInteger(value) || value <= 0) throw new RangeError(`OutboxRelay option ${field} must be a positive integer, got ${value}`);
  return value;
}
