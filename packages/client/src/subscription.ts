import type { EventEnvelope, ServiceName } from '@netledger/contracts';
import type { DeliveryError, EventsMissingError, MalformedEventError } from './errors.js';
import { EventQueue } from './internal/event-queue.js';
import { ServiceFeed, type FeedSink, type ServiceFeedDeps } from './internal/service-feed.js';
import type { ServicePlan } from './internal/subscription-plan.js';
import type { NetledgerEvent } from './netledger-event.js';
import type { Position, SubscribeOptions } from './subscribe-options.js';

/**
 * Events of one or more services, as an async iterable. Per service they come in log order,
 * each once; services are interleaved as they arrive (there is no order across services).
 * Ending the iteration (`break`), `close()` or the abort signal stops delivery.
 */
export interface Subscription<E = NetledgerEvent> extends AsyncIterable<E> {
  /**
   * Per service, the log seq up to which events were handed to you or passed over (not
   * matching the filters, malformed, before the start point). Pass it back as
   * `from: { after: position }` to go on with no gap and no duplicate. A service appears
   * once its start is known (at once, except for `'now'` and `{ time }`).
   */
  position(): Position;
  /** Stops delivery; a pending `next()` resolves as done. Safe to call twice. */
  close(): Promise<void>;
}

/** Per service, for position(). */
interface Progress {
  /** The feed's cursor: the last seq it handled (queued, passed over, or the start). */
  latest: number | undefined;
  /** For each event queued but not yet taken, the feed's cursor just before it, oldest first. */
  readonly pendingAfter: Array<number | undefined>;
}

interface Queued {
  readonly service: ServiceName;
  readonly event: EventEnvelope;
}

// Enough to keep several services busy while the caller works; each feed's consumer buffers
// its own batch on top.
const QUEUE_CAPACITY = 512;

/** Creates the subscription and starts one feed per service. */
export function openSubscription<E>(
  plans: readonly ServicePlan[],
  options: Pick<SubscribeOptions, 'signal' | 'onMalformed' | 'onError'>,
  deps: Omit<ServiceFeedDeps, 'sink'>,
  onClose: (s: Subscription<unknown>) => void,
): Subscription<E> {
  return new MergedSubscription<E>(plans, options, deps, onClose);
}

class MergedSubscription<E> implements Subscription<E> {
  private readonly queue = new EventQueue<Queued>(QUEUE_CAPACITY);
  private readonly progress = new Map<ServiceName, Progress>();
  private readonly feeds: ServiceFeed[];
  private closing: Promise<void> | undefined;
  private readonly abort: (() => void) | undefined;

  constructor(
    plans: readonly ServicePlan[],
    private readonly options: Pick<SubscribeOptions, 'signal' | 'onMalformed' | 'onError'>,
    deps: Omit<ServiceFeedDeps, 'sink'>,
    private readonly onClose: (s: Subscription<unknown>) => void,
  ) {
    const sink: FeedSink = {
      deliver: (service, event) => this.enqueue(service, event),
      passed: (service, cursor) => {
        const p = this.progressOf(service);
        p.latest = Math.max(p.latest ?? 0, cursor);
      },
      malformed: (e) => this.tell(this.options.onMalformed, e),
      error: (e) => this.tell(this.options.onError, e),
    };
    for (const plan of plans) this.progress.set(plan.service, { latest: undefined, pendingAfter: [] });
    this.feeds = plans.map((plan) => new ServiceFeed(plan, { ...deps, sink }));
    const signal = options.signal;
    if (signal?.aborted) {
      void this.close();
    } else if (signal) {
      this.abort = () => void this.close();
      signal.addEventListener('abort', this.abort, { once: true });
    }
    for (const feed of this.feeds) void feed.run();
    // When every feed has ended (the connection closed for good), so does the iteration.
    void Promise.all(this.feeds.map((f) => f.run())).then(() => this.queue.close());
  }

  position(): Position {
    const out: Partial<Record<ServiceName, number>> = {};
    for (const [service, p] of this.progress) {
      // While events wait in the queue, the position stops before the oldest of them: a
      // position must never skip an event the caller has not seen.
      const seq = p.pendingAfter.length > 0 ? p.pendingAfter[0] : p.latest;
      if (seq !== undefined) out[service] = seq;
    }
    return out;
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      if (this.abort) this.options.signal?.removeEventListener('abort', this.abort);
      this.queue.close();
      await Promise.all(this.feeds.map((f) => f.stop()));
      this.onClose(this);
    })();
    return this.closing;
  }

  [Symbol.asyncIterator](): AsyncIterator<E> {
    return {
      next: async () => {
        const item = await this.queue.take();
        if (!item) return { done: true, value: undefined };
        this.progressOf(item.service).pendingAfter.shift();
        // The registry validated `data` against the schema of `type`, which is what E says.
        return { done: false, value: item.event as unknown as E };
      },
      return: async () => {
        await this.close();
        return { done: true, value: undefined };
      },
    };
  }

  private async enqueue(service: ServiceName, event: EventEnvelope): Promise<boolean> {
    // Recorded before the put, which may wait for room: position() must already account for it.
    const p = this.progressOf(service);
    p.pendingAfter.push(p.latest);
    p.latest = event.seq;
    const queued = await this.queue.put({ service, event });
    if (!queued) p.latest = p.pendingAfter.pop();
    return queued;
  }

  private progressOf(service: ServiceName): Progress {
    return this.progress.get(service)!;
  }

  private tell<T>(callback: ((e: T) => void) | undefined, e: T): void {
    try {
      callback?.(e);
    } catch {
      // A failing callback must not stop delivery.
    }
  }
}
