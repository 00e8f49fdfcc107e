import type { EventEnvelope, ServiceName } from '@netledger/contracts';
import type { EventHandler } from '@netledger/bus';

/**
 * How many events of each type the agent applied from one service's stream, and the last
 * sequence: shown per consumer in the agent's status. Rebuilt from the stream after a reset,
 * like the desired state it runs beside.
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
