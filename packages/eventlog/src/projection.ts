import type { EventEnvelope } from '@netledger/contracts';
import type { EventLog } from './event-log.js';

/**
 * A read model built from the log. `apply` must be deterministic (same events, same state):
 * snapshots and replays rely on it. State must survive JSON (snapshots are stored as JSON).
 */
export interface Projection<S> {
  readonly name: string;
  /** Bump when `apply` or the state shape changes: older snapshots are then ignored. */
  readonly version: number;
  initial(): S;
  apply(state: S, event: EventEnvelope): S;
  /** State as stored in a snapshot (default: the state itself). */
  toSnapshot?(state: S): unknown;
  fromSnapshot?(stored: unknown): S;
}

export interface ProjectionState<S> {
  readonly state: S;
  /** Sequence of the last event applied (0 when none). */
  readonly seq: number;
  /** How many events were replayed on top of the snapshot, for start-up figures. */
  readonly replayed: number;
  readonly fromSnapshot: boolean;
}

export interface RebuildOptions {
  /** Save a snapshot every N events replayed (default 1000; 0 = never). */
  readonly snapshotEvery?: number;
  /** Stop at this time: the state as of then. No snapshot is written for a point in the past. */
  readonly until?: Date;
  /** Stop after this sequence. No snapshot is written past it. */
  readonly untilSeq?: number;
  /** Ignore snapshots and replay from the start (audit: prove the snapshot matches). */
  readonly ignoreSnapshot?: boolean;
}

/**
 * Loads the latest snapshot of a projection (if its version matches) and replays the log after
 * it, writing a new snapshot every `snapshotEvery` events, so restart time stays bounded by
 * the snapshot interval rather than the log's length.
 */
export async function rebuildProjection<S>(
  log: EventLog,
  projection: Projection<S>,
  options: RebuildOptions = {},
): Promise<ProjectionState<S>> {
  const every = options.snapshotEvery ?? 1000;
  const historical = options.until !== undefined || options.untilSeq !== undefined;
  let state = projection.initial();
  let seq = 0;
  let fromSnapshot = false;

  if (!options.ignoreSnapshot) {
    const snap = await log.loadSnapshot(projection.name);
    const usable =
      snap &&
      snap.projectionVersion === projection.version &&
      (options.untilSeq === undefined || snap.seq <= options.untilSeq) &&
      (options.until === undefined || (await appendedBy(log, snap.seq, options.until)));
    if (usable) {
      state = projection.fromSnapshot ? projection.fromSnapshot(snap.state) : (snap.state as S);
      seq = snap.seq;
      fromSnapshot = true;
    }
  }

  let replayed = 0;
  let sinceSnapshot = 0;
  const replayOptions = {
    ...(options.until ? { until: options.until } : {}),
    ...(options.untilSeq !== undefined ? { untilSeq: options.untilSeq } : {}),
  };
  for await (const batch of log.replay(seq + 1, replayOptions)) {
    for (const event of batch) {
      state = projection.apply(state, event);
      seq = event.seq;
      replayed++;
      sinceSnapshot++;
      if (!historical && every > 0 && sinceSnapshot >= every) {
        await saveSnapshot(log, projection, state, seq);
        sinceSnapshot = 0;
      }
    }
  }
  return { state, seq, replayed, fromSnapshot };
}

// A snapshot may serve a rebuild "as of" a time only if the last event it covers was appended by
// then. Its own `time` says when it was saved, by a clock that may lag the log's (the log never
// lets event times go backwards, the clock can), so the event's time is what counts.
async function appendedBy(log: EventLog, seq: number, until: Date): Promise<boolean> {
  const [last] = await log.readUntil(until, seq, { limit: 1 });
  return last?.seq === seq;
}

/** Writes a snapshot of a projection's state at `seq`. */
export async function saveSnapshot<S>(log: EventLog, projection: Projection<S>, state: S, seq: number): Promise<void> {
  await log.saveSnapshot({
    name: projection.name,
    projectionVersion: projection.version,
    seq,
    state: projection.toSnapshot ? projection.toSnapshot(state) : state,
  });
}
