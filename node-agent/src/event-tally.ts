import type { EventEnvelope, ServiceName } from '@netledger/contracts';
import type { EventHandler } from '@netledger/bus';

/**
 * What the agent knows of one service's stream so far: how many events of each type it
 * applied and the last sequence. It is the placeholder for the desired-state tables that the
 * datapath reconciler will read; like them it is rebuilt from the stream after a reset.
 */
export class EventTally implements EventHandler {
  private counts = new Map<string, number>();
  private lastSeq = 0;

  constructor(readonly service: ServiceName) {}

  apply(event: EventEnvelope): void {
    if (event.seq <= this.lastSeq) return; // already counted: applying twice is harmless
    this.counts.set(event.type, (this.counts.get(event.type) ?? 0) + 1);
    this.lastSeq = event.seq;
  }

  reset(): void {
    this.counts = new Map();
    this.lastSeq = 0;
  }

  summary(): { readonly lastSeq: number; readonly byType: Record<string, number> } {
    return { lastSeq: this.lastSeq, byType: Object.fromEntries([...this.counts].sort()) };
  }
}
