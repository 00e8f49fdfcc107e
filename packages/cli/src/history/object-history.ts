import type { EventEnvelope } from '@netledger/contracts';
import { rebuildProjection, type EventLog } from '@netledger/eventlog';
import { jsonDiff, type JsonDiff } from './json-diff.js';
import type { LogPoint } from './log-point.js';
import type { ServiceView } from './service-view.js';

/**
 * One change of an object: the event as stored (its cause included) and what it did to the
 * object's state. The envelope's fields stay as they are, so `history -o json` still prints
 * every event of the stream as it did before diffs were added.
 */
export interface ObjectChange extends EventEnvelope {
  /** The object after the event; undefined once deleted. */
  readonly state: unknown;
  /** Against the object's state before this event (the previous change, or nothing). */
  readonly diff: JsonDiff;
}

export interface ObjectHistoryOptions {
  readonly since?: LogPoint;
  readonly until?: LogPoint;
}

/**
 * Every change of the object of `stream`, oldest first, with a diff of its state. The state is
 * the service's own projection replayed over the log (from the latest snapshot before the
 * object's first event, through its last): an object's state may depend on events of other
 * streams (an identity's references), which its stream alone cannot say. Changes before `since`
 * are replayed but not listed, so the first listed diff is still against the real previous state.
 */
export async function objectHistory(log: EventLog, view: ServiceView, stream: string, options: ObjectHistoryOptions = {}): Promise<ObjectChange[]> {
  const [first] = await log.readStreamForward(stream, 1, { limit: 1 });
  const [last] = await log.readStreamBackward(stream, undefined, { limit: 1 });
  if (!first || !last) return [];
  const { projection } = view;
  // Nothing before the object's first event is its own: start from a snapshot when one fits.
  const start = await rebuildProjection(log, projection, { untilSeq: first.seq - 1 });
  let state = start.state;
  let previous: unknown = undefined;
  const changes: ObjectChange[] = [];
  const until = options.until;
  const iterateOptions = until?.kind === 'time' ? { until: until.time } : {};
  for await (const event of log.iterate(start.seq + 1, iterateOptions)) {
    if (event.seq > last.seq || (until?.kind === 'seq' && event.seq > until.seq)) break;
    state = projection.apply(state, event);
    if (event.stream !== stream) continue;
    const current = view.objectOf(state, stream);
    if (!before(options.since, event.seq, event.time)) {
      changes.push({ ...event, state: current, diff: jsonDiff(previous, current) });
    }
    previous = current;
  }
  return changes;
}

function before(since: LogPoint | undefined, seq: number, time: string): boolean {
  if (!since) return false;
  return since.kind === 'seq' ? seq < since.seq : new Date(time).getTime() < since.time.getTime();
}
