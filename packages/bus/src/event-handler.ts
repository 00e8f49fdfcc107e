import type { EventEnvelope } from '@netledger/contracts';

/** What a consumer does with the events of one service, in log order. */
export interface EventHandler {
  /** Apply one event in order. Applying the same event twice must be harmless (the library also drops duplicates by seq). */
  apply(event: EventEnvelope): void | Promise<void>;
  /** Forget all state: called before a re-bootstrap from the start of the stream. */
  reset(): void | Promise<void>;
}
