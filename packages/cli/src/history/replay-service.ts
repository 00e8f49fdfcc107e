import { rebuildProjection, type EventLog } from '@netledger/eventlog';
import type { LogPoint } from './log-point.js';
import type { ServiceView } from './service-view.js';

/** A service's state as of one point of its log. */
export interface ReplayedState {
  /** Sequence of the last event applied (0 for an empty log or a time before the first event). */
  readonly seq: number;
  /** Time of that event, or null when none was applied. */
  readonly time: string | null;
  /** How many events were replayed (after the snapshot, when one was used). */
  readonly replayed: number;
  readonly fromSnapshot: boolean;
  /** The projection's state, as the live service holds it. */
  readonly state: unknown;
  /** The same state as objects by stream (plain JSON, streams sorted). */
  readonly objects: ReadonlyMap<string, unknown>;
}

/**
 * Rebuilds a service's state as of `at` with its own projection, through the same
 * rebuildProjection the service starts with: a snapshot at or before the point is used, and
 * none is written (the point may be in the past).
 */
export async function replayService(log: EventLog, view: ServiceView, at: LogPoint): Promise<ReplayedState> {
  const rebuilt = await rebuildProjection(log, view.projection, at.kind === 'seq' ? { untilSeq: at.seq } : { until: at.time });
  const [last] = rebuilt.seq > 0 ? await log.readAll(rebuilt.seq, { limit: 1 }) : [];
  const objects = new Map([...view.objects(rebuilt.state)].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return { seq: rebuilt.seq, time: last?.time ?? null, replayed: rebuilt.replayed, fromSnapshot: rebuilt.fromSnapshot, state: rebuilt.state, objects };
}
