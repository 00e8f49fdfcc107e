import type { EventEnvelope, EventRegistry, ServiceName } from '@netledger/contracts';
import {
  DeliverPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  type ConsumerMessages,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
  type OrderedConsumerOptions,
} from '@nats-io/jetstream';
import type { NatsConnection, QueuedIterator, Status } from '@nats-io/transport-node';
import { DeliveryError, EventsMissingError, MalformedEventError, messageOf } from '../errors.js';
import { Backoff } from './backoff.js';
import { SequenceTracker } from './sequence-tracker.js';
import { planMatches, type ServicePlan } from './subscription-plan.js';
import { WakeSignal } from './wake-signal.js';

/** Where a feed hands its results: the subscription that merges the services. */
export interface FeedSink {
  /** Resolves false once the subscription is closed. */
  deliver(service: ServiceName, event: EventEnvelope): Promise<boolean>;
  /** Everything up to `cursor` was handled without a delivery (start point, filtered out, malformed). */
  passed(service: ServiceName, cursor: number): void;
  malformed(error: MalformedEventError): void;
  error(error: DeliveryError | EventsMissingError): void;
}

export interface ServiceFeedDeps {
  readonly nc: NatsConnection;
  readonly js: JetStreamClient;
  readonly jsm: JetStreamManager;
  readonly registry: EventRegistry;
  readonly sink: FeedSink;
}

type Outcome = 'restart' | 'ended' | 'closed';

const BATCH_MESSAGES = 256;
// Pull requests expire after 5 s, so a lost consumer is noticed within seconds rather than the
// client default of 30 s.
const PULL_EXPIRES_MS = 5000;
const RETRY_FIRST_MS = 100;
const RETRY_MAX_MS = 2000;
// A start time is matched against each event's own `time` (when it was appended), but the
// server can only seek by when it stored the message, which is later (the relay publishes
// after the commit, or much later after an outage) and by another clock. The server seeks
// this much earlier and the feed passes over events appended before the start time.
const START_TIME_SLACK_MS = 60_000;

/**
 * One service's events, in log order, each once. Delivery comes from an ordered consumer
 * (ephemeral, no acks) starting where the tracker says; every message's envelope seq is
 * checked against the last one handled: a duplicate is dropped, a gap makes the feed create a
 * new consumer from the first missing seq. A reconnect does the same from the last handled
 * seq, since the server may have lost the consumer (or restarted).
 */
export class ServiceFeed {
  private readonly plan: ServicePlan;
  private readonly deps: ServiceFeedDeps;
  private tracker: SequenceTracker | undefined;
  private messages: ConsumerMessages | undefined;
  private stopping = false;
  private loop: Promise<void> | undefined;
  private readonly wake = new WakeSignal();
  private lastErrorMessage: string | undefined;
  /** With a start time: events appended before it are passed over (times never decrease along a log). */
  private notBefore: number | undefined;
  private readonly startTimeMs: number | undefined;

  constructor(plan: ServicePlan, deps: ServiceFeedDeps) {
    this.plan = plan;
    this.deps = deps;
    this.startTimeMs = plan.start.kind === 'time' ? Date.parse(plan.start.time) : undefined;
    this.notBefore = this.startTimeMs;
  }

  /** Runs until stop(), the subscription closing, or the connection closing for good. */
  run(): Promise<void> {
    this.loop ??= this.runLoop();
    return this.loop;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.wake.fire();
    void this.messages?.close();
    await this.loop;
  }

  private async runLoop(): Promise<void> {
    const statuses = this.deps.nc.status() as QueuedIterator<Status>;
    void (async () => {
      for await (const s of statuses) if (s.type === 'reconnect') this.interrupt();
    })().catch(() => undefined);
    const backoff = new Backoff(RETRY_FIRST_MS, RETRY_MAX_MS);
    try {
      while (!this.stopping && !this.deps.nc.isClosed()) {
        let outcome: Outcome;
        try {
          outcome = await this.deliver();
        } catch (e) {
          this.reportFailure(e);
          outcome = 'ended';
        }
        if (outcome === 'closed') return;
        if (outcome === 'restart') {
          backoff.reset();
          continue;
        }
        // Delivery ended on its own (reconnect, or the client gave up): start over, without spinning.
        if (!this.stopping) await this.wake.wait(backoff.next());
      }
    } finally {
      statuses.stop();
    }
  }

  /** The server may have restarted without our consumer: start over from our own position now. */
  private interrupt(): void {
    void this.messages?.close();
    this.wake.fire();
  }

  /** One ordered consumer from the tracker's position until a restart, the end of delivery, or close. */
  private async deliver(): Promise<Outcome> {
    const tracker = (this.tracker ??= await this.startTracker());
    const resumeAt = tracker.resumeAt;
    const options: Partial<OrderedConsumerOptions> =
      resumeAt === undefined
        ? { deliver_policy: DeliverPolicy.StartTime, opt_start_time: new Date(this.startTimeMs! - START_TIME_SLACK_MS).toISOString() }
        : { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: resumeAt };
    if (this.plan.filterSubject !== undefined) options.filter_subjects = this.plan.filterSubject;
    const consumer = await this.deps.js.consumers.get(this.plan.stream, options);
    if (resumeAt === undefined) {
      // The server resolved the time to a seq: delivered.stream_seq is the one before it.
      tracker.startsAfter((await consumer.info(true)).delivered.stream_seq);
      this.deps.sink.passed(this.plan.service, tracker.cursor!);
    }
    const messages = await consumer.consume({ max_messages: BATCH_MESSAGES, expires: PULL_EXPIRES_MS });
    this.messages = messages;
    this.lastErrorMessage = undefined;
    try {
      if (this.stopping) return 'closed';
      for await (const m of messages) {
        const outcome = await this.handle(m, tracker);
        if (outcome !== 'ended') return outcome;
        if (this.stopping) return 'closed';
      }
      return this.stopping ? 'closed' : 'ended';
    } finally {
      this.messages = undefined;
      messages.stop();
      // Ordered consumers are ephemeral but would linger on the server until their inactivity timeout.
      consumer.delete().catch(() => undefined);
    }
  }

  private async startTracker(): Promise<SequenceTracker> {
    const contiguous = this.plan.filterSubject === undefined;
    const start = this.plan.start;
    let tracker: SequenceTracker;
    if (start.kind === 'seq') tracker = new SequenceTracker(start.seq - 1, contiguous);
    else if (start.kind === 'now') tracker = new SequenceTracker(await this.streamLastSeq(), contiguous);
    else return new SequenceTracker(undefined, contiguous);
    this.deps.sink.passed(this.plan.service, tracker.cursor!);
    return tracker;
  }

  /** The stream's last seq; 0 when the stream does not exist yet (nothing was ever published). */
  private async streamLastSeq(): Promise<number> {
    try {
      return (await this.deps.jsm.streams.info(this.plan.stream)).state.last_seq;
    } catch (e) {
      if (isStreamNotFound(e)) return 0;
      throw e;
    }
  }

  /** 'ended' means go on with the next message. */
  private async handle(m: JsMsg, tracker: SequenceTracker): Promise<Outcome> {
    const { service } = this.plan;
    const decoded = this.decode(m);
    if (decoded instanceof MalformedEventError) {
      if (tracker.skipMalformed(m.seq)) {
        this.deps.sink.malformed(decoded);
        this.deps.sink.passed(service, tracker.cursor!);
      }
      return 'ended';
    }
    const placement = tracker.place(m.seq, decoded.seq);
    switch (placement.kind) {
      case 'duplicate':
        return 'ended';
      case 'redeliver':
        return 'restart';
      case 'missing':
        this.deps.sink.error(new EventsMissingError(service, this.plan.stream, placement.fromSeq, placement.toSeq));
        break;
      case 'next':
        break;
    }
    if (this.notBefore !== undefined) {
      if (Date.parse(decoded.time) < this.notBefore) {
        this.deps.sink.passed(service, tracker.cursor!);
        return 'ended';
      }
      this.notBefore = undefined;
    }
    if (!planMatches(this.plan, decoded)) {
      this.deps.sink.passed(service, tracker.cursor!);
      return 'ended';
    }
    return (await this.deps.sink.deliver(service, decoded)) ? 'ended' : 'closed';
  }

  private decode(m: JsMsg): EventEnvelope | MalformedEventError {
    const { service, stream } = this.plan;
    let raw: unknown;
    try {
      raw = JSON.parse(m.string());
    } catch (cause) {
      return new MalformedEventError(service, stream, m.seq, `payload is not JSON: ${messageOf(cause)}`, { cause });
    }
    try {
      const event = this.deps.registry.decode(raw, `stream ${stream} seq ${m.seq}`);
      if (event.service === service) return event;
      return new MalformedEventError(service, stream, m.seq, `event ${event.id} belongs to service ${event.service}, not ${service}`);
    } catch (cause) {
      return new MalformedEventError(service, stream, m.seq, messageOf(cause), { cause });
    }
  }

  /** Reports a failed attempt once per distinct message, so a long outage does not flood the log. */
  private reportFailure(e: unknown): void {
    if (this.stopping) return;
    const problem = isStreamNotFound(e)
      ? `the stream does not exist yet (service ${this.plan.service} has published nothing); waiting for it`
      : messageOf(e);
    if (problem === this.lastErrorMessage) return;
    this.lastErrorMessage = problem;
    this.deps.sink.error(new DeliveryError(this.plan.service, this.plan.stream, problem, { cause: e }));
  }
}

function isStreamNotFound(e: unknown): boolean {
  // consumers.get() reports a missing stream as a plain Error, the stream API as a JetStreamApiError.
  return (e instanceof JetStreamApiError && e.code === JetStreamApiCodes.StreamNotFound) || (e instanceof Error && e.message === 'stream not found');
}
