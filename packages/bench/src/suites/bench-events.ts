import { createNetledgerRegistry, type EventEnvelope, type ServiceName } from '@netledger/contracts';

/**
 * Envelopes for benches that feed events to the agent's code directly: seqs 1, 2, 3... per
 * service, a bench cause, and every event through the registry, so events that drift from the
 * schemas fail at once instead of being taken silently.
 */
export class BenchEvents {
  readonly #registry = createNetledgerRegistry();
  readonly #seq = new Map<ServiceName, number>();

  /** `time` stamps each event (default: now). */
  constructor(private readonly time: () => string = () => new Date().toISOString()) {}

  envelope(service: ServiceName, stream: string, type: string, data: unknown): EventEnvelope {
    const seq = (this.#seq.get(service) ?? 0) + 1;
    this.#seq.set(service, seq);
    return this.#registry.decode({
      id: `${service}-${seq}`,
      service,
      stream,
      version: 1,
      seq,
      type,
      schemaVersion: 1,
      time: this.time(),
      cause: { kind: 'command', command: 'bench', actor: 'bench' },
      data,
    });
  }
}
