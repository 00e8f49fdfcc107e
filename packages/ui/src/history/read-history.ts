import type { Cause, ServiceName } from '@netledger/contracts';
import { ApiError } from '../http/api-error.js';
import { parseHistoryObject } from './history-object.js';
import type { ServiceLogs } from './service-logs.js';

/** One event of an object's history, as `/api/history` answers it. */
export interface HistoryEvent {
  readonly object: string;
  readonly service: ServiceName;
  readonly stream: string;
  readonly version: number;
  readonly seq: number;
  readonly time: string;
  readonly type: string;
  readonly cause: Cause;
  readonly data: unknown;
}

/** Answer of `/api/history`: the events of every object asked for, merged by time. */
export interface HistoryResult {
  readonly objects: ReadonlyArray<{ readonly object: string; readonly service: ServiceName; readonly stream: string; readonly events: number }>;
  readonly events: readonly HistoryEvent[];
}

/** Reads the history of one or more objects from the services' logs, oldest first. */
export async function readHistory(logs: ServiceLogs, objects: readonly string[]): Promise<HistoryResult> {
  if (objects.length === 0) throw new ApiError(400, 'history needs an object, e.g. ?object=identity/256');
  const parsed = objects.map(parseHistoryObject);
  const found: Array<HistoryResult['objects'][number]> = [];
  const events: HistoryEvent[] = [];
  for (const o of parsed) {
    const log = await logs.log(o.service);
    let stream = o.streams[0]!;
    let read = await log.readStreamForward(stream);
    for (const alternative of o.streams.slice(1)) {
      if (read.length > 0) break;
      const more = await log.readStreamForward(alternative);
      if (more.length > 0) [stream, read] = [alternative, more];
    }
    found.push({ object: o.object, service: o.service, stream, events: read.length });
    for (const e of read) {
      events.push({ object: o.object, service: e.service, stream: e.stream, version: e.version, seq: e.seq, time: e.time, type: e.type, cause: e.cause, data: e.data });
    }
  }
  events.sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : a.seq - b.seq));
  return { objects: found, events };
}
