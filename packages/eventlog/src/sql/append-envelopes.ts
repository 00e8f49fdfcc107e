import type { EventEnvelope, NewEvent, ServiceName } from '@netledger/contracts';
import type { AppendPosition, PreparedRequest } from './append-plan.js';

/**
 * The envelopes of a request that committed at `position`: the events took consecutive seqs
 * and versions ending there. `cause` and `data` are the caller's own objects (what they
 * serialize to is what was stored), so nothing is parsed back.
 */
export function appendedEnvelopes(
  service: ServiceName,
  request: PreparedRequest,
  sources: readonly NewEvent[],
  position: AppendPosition,
  time: string,
): EventEnvelope[] {
  const n = request.events.length;
  const envelopes: EventEnvelope[] = new Array<EventEnvelope>(n);
  for (let i = 0; i < n; i++) {
    const e = request.events[i]!;
    const source = sources[i]!;
    envelopes[i] = {
      id: e.id,
      service,
      stream: request.stream,
      version: position.version - n + 1 + i,
      seq: position.firstSeq + i,
      type: e.type,
      schemaVersion: e.schemaVersion,
      time,
      cause: source.cause,
      data: source.data,
    };
  }
  return envelopes;
}
