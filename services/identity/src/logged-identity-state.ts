import type { EventEnvelope } from '@netledger/contracts';
import { rebuildProjection, saveSnapshot, type AppendResult, type EventLog } from '@netledger/eventlog';
import { identityProjection } from './identity-projection.js';
import { emptyIdentityState, type IdentityState } from './identity-state.js';

/**
 * The identity state kept in step with the log: rebuilt from it, advanced with the events the
 * writer appended (in sequence, or caught up from the log when someone else appended in
 * between), and snapshotted at a cost that stays O(1) per event.
 */
export class LoggedIdentityState {
  private current: IdentityState = emptyIdentityState();
  /** Sequence of the last event applied, and of the last snapshot. */
  private appliedSeq = 0;
  private snapshotSeq = 0;

  constructor(
    private readonly log: EventLog,
    /** `--snapshot-every`; 0 writes none. */
    private readonly snapshotEvery: number,
    private readonly onGap: (message: string) => void,
  ) {}

  get state(): IdentityState {
    return this.current;
  }

  /**
   * The state from the log: the last snapshot and the events after it. A replay of at least
   * `snapshotEvery` events ends with a new snapshot, so the next start does not pay it again.
   * (rebuildProjection's own snapshot every N events would serialize the whole state every N
   * events: quadratic in a large cluster.)
   */
  async rebuild(): Promise<void> {
    const rebuilt = await rebuildProjection(this.log, identityProjection, { snapshotEvery: 0 });
    this.current = rebuilt.state;
    this.appliedSeq = rebuilt.seq;
    this.snapshotSeq = rebuilt.seq - rebuilt.replayed;
    if (this.snapshotEvery > 0 && rebuilt.replayed >= this.snapshotEvery) await this.snapshot();
  }

  /** Applies what an append stored; returns how many identities it released. */
  async applyStored(results: readonly AppendResult[]): Promise<number> {
    let released = 0;
    for (const r of results) {
      for (const event of r.events) {
        if (event.seq <= this.appliedSeq) continue;
        if (event.seq !== this.appliedSeq + 1) {
          // Someone else appended in between: read what we missed (ours included) from the log.
          this.onGap(`log sequence jumped from ${this.appliedSeq} to ${event.seq}; catching up from the log`);
          for await (const missed of this.log.iterate(this.appliedSeq + 1)) {
            if (missed.type === 'IdentityReleased') released++;
            this.apply(missed);
          }
          break;
        }
        if (event.type === 'IdentityReleased') released++;
        this.apply(event);
      }
    }
    await this.maybeSnapshot();
    return released;
  }

  private apply(event: EventEnvelope): void {
    this.current = identityProjection.apply(this.current, event);
    this.appliedSeq = event.seq;
  }

  /**
   * A snapshot follows once the events since the last one reach both `snapshotEvery` and the
   * number of objects in the state: writing one costs O(state), so this keeps it O(1) per event
   * however large the cluster, and a restart replays at most about one state's worth of events.
   */
  private async maybeSnapshot(): Promise<void> {
    if (this.snapshotEvery <= 0) return;
    const size = this.current.identities.size + this.current.endpointVersions.size + this.current.policyCidrs.size;
    if (this.appliedSeq - this.snapshotSeq < Math.max(this.snapshotEvery, size)) return;
    await this.snapshot();
  }

  private async snapshot(): Promise<void> {
    await saveSnapshot(this.log, identityProjection, this.current, this.appliedSeq);
    this.snapshotSeq = this.appliedSeq;
  }
}
