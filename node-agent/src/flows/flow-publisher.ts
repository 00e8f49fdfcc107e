import type { NatsConnection } from '@netledger/bus';
import type { Flow } from './flow.js';

/** Messages published but not yet confirmed by a flush, past which flows are dropped, not buffered. */
export const MAX_UNCONFIRMED_FLOWS = 10_000;

/** What the publisher needs of a NATS connection. */
export type FlowPublishPort = Pick<NatsConnection, 'publish' | 'flush'>;

export interface FlowPublisherStatus {
  readonly published: number;
  /** Flows not published because NATS was slow or gone (they are still in the ring). */
  readonly dropped: number;
}

/**
 * Publishes each flow on core NATS. A flush (a ping round trip) confirms what went before it;
 * while more than MAX_UNCONFIRMED_FLOWS wait for one, new flows are dropped and counted: a
 * slow or absent server costs the followers some flows, never the agent's memory.
 */
export class FlowPublisher {
  readonly #nc: FlowPublishPort;
  readonly #subject: string;
  readonly #limit: number;
  #unconfirmed = 0;
  #flushing = false;
  #published = 0;
  #dropped = 0;

  constructor(nc: FlowPublishPort, subject: string, limit = MAX_UNCONFIRMED_FLOWS) {
    this.#nc = nc;
    this.#subject = subject;
    this.#limit = limit;
  }

  publish(flows: readonly Flow[]): void {
    for (const flow of flows) {
      if (this.#unconfirmed >= this.#limit) {
        this.#dropped += 1;
        continue;
      }
      try {
        this.#nc.publish(this.#subject, JSON.stringify(flow));
        this.#unconfirmed += 1;
        this.#published += 1;
      } catch {
        // Closed or draining: the flow stays in the ring for queries.
        this.#dropped += 1;
      }
    }
    this.#flush();
  }

  status(): FlowPublisherStatus {
    return { published: this.#published, dropped: this.#dropped };
  }

  #flush(): void {
    if (this.#flushing || this.#unconfirmed === 0) return;
    this.#flushing = true;
    const covered = this.#unconfirmed;
    this.#nc.flush().then(
      () => {
        this.#unconfirmed -= covered;
        this.#flushing = false;
        this.#flush();
      },
      () => {
        // Disconnected: the count stays, so flows are dropped until a flush gets through.
        this.#flushing = false;
      },
    );
  }
}
