import type { ServerResponse } from 'node:http';
import type { ChangeEvent } from './change-event.js';
import { BadRequestError, ExpiredError } from './errors.js';
import type { KubeObject } from './kube-object.js';
import type { ObjectFilter } from './object-filter.js';
import type { ObjectStore } from './object-store.js';
import { type ResourceDefinition, apiVersionOf } from './resource-definition.js';

/** The query parameters of a watch, parsed. */
export interface WatchRequest {
  readonly def: ResourceDefinition;
  readonly namespace: string | undefined;
  readonly filter: ObjectFilter;
  /** undefined / '' / '0': start with synthetic ADDED events for current objects. */
  readonly resourceVersion: string | undefined;
  readonly timeoutSeconds: number;
  readonly allowBookmarks: boolean;
  /** Converts event objects (to a one-row Table for `kubectl get -w`); identity otherwise. */
  readonly render: (obj: KubeObject) => unknown;
}

interface WatchEvent {
  readonly type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  readonly object: unknown;
}

/** Drops a watch whose client stopped reading rather than buffer without bound. */
const MAX_BUFFERED_BYTES = 64 * 1024 * 1024;

/**
 * Serves watches as newline-delimited JSON over a chunked 200 response, like the real API server.
 * A start version older than the kept history is answered with one ERROR event carrying a 410
 * Expired Status, then the stream ends, so informers relist.
 */
export class WatchStreams {
  private readonly open = new Set<() => void>();

  constructor(
    private readonly store: ObjectStore,
    private readonly bookmarkIntervalMs: number,
  ) {}

  get activeCount(): number {
    return this.open.size;
  }

  serve(res: ServerResponse, request: WatchRequest): void {
    const start = parseStartVersion(request.resourceVersion);
    const current = this.store.resourceVersion;
    const initial: WatchEvent[] = [];
    if (start === undefined) {
      const ns = request.def.namespaced ? request.namespace : undefined;
      for (const obj of this.store.list(request.def.key, ns)) {
        if (request.filter.matches(obj)) initial.push({ type: 'ADDED', object: request.render(obj) });
      }
    } else {
      const replay = this.store.hub.since(start, current);
      if (!replay.ok) {
        const expired = new ExpiredError(start, replay.oldestKept);
        beginStream(res);
        res.end(line({ type: 'ERROR', object: expired.toStatus() }));
        return;
      }
      for (const change of replay.events) {
        const event = toWatchEvent(request, change);
        if (event) initial.push(event);
      }
    }

    beginStream(res);
    for (const event of initial) res.write(line(event));

    const unsubscribe = this.store.hub.subscribe((change) => {
      const event = toWatchEvent(request, change);
      if (event) send(event);
    });
    const bookmarks = request.allowBookmarks
      ? setInterval(() => {
          send({
            type: 'BOOKMARK',
            object: { kind: request.def.kind, apiVersion: apiVersionOf(request.def), metadata: { resourceVersion: String(this.store.resourceVersion) } },
          });
        }, this.bookmarkIntervalMs)
      : undefined;
    const timeout = setTimeout(() => finish(), request.timeoutSeconds * 1000);

    const finish = (): void => {
      if (!this.open.delete(finish)) return;
      unsubscribe();
      clearInterval(bookmarks);
      clearTimeout(timeout);
      if (!res.writableEnded) res.end();
    };
    const send = (event: WatchEvent): void => {
      if (res.writableEnded || res.destroyed) return;
      if (res.writableLength > MAX_BUFFERED_BYTES) {
        finish();
        res.destroy();
        return;
      }
      res.write(line(event));
    };
    this.open.add(finish);
    res.on('close', finish);
    // The client may have gone while the request was parsed; 'close' would not fire again.
    if (res.destroyed || res.socket?.destroyed === true) finish();
  }

  /** Ends every open watch (server shutdown); clients see a clean end of stream. */
  closeAll(): void {
    for (const finish of [...this.open]) finish();
  }
}

function parseStartVersion(raw: string | undefined): number | undefined {
  if (raw === undefined || raw === '' || raw === '0') return undefined;
  if (!/^\d+$/.test(raw)) throw new BadRequestError(`resourceVersion "${raw}": must be a non-negative integer`);
  return Number(raw);
}

function beginStream(res: ServerResponse): void {
  res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private', 'Transfer-Encoding': 'chunked' });
  res.flushHeaders();
}

function line(event: WatchEvent): string {
  return `${JSON.stringify(event)}\n`;
}

/**
 * Maps a committed change onto what this watch sees. With selectors, an object that starts
 * matching is ADDED and one that stops matching is DELETED, as in Kubernetes.
 */
function toWatchEvent(request: WatchRequest, change: ChangeEvent): WatchEvent | undefined {
  if (change.resource !== request.def.key) return undefined;
  if (request.def.namespaced && request.namespace !== undefined && change.object.metadata.namespace !== request.namespace) return undefined;
  const now = request.filter.matches(change.object);
  if (change.type !== 'MODIFIED') return now ? { type: change.type, object: request.render(change.object) } : undefined;
  const before = change.previous !== undefined && request.filter.matches(change.previous);
  if (now && before) return { type: 'MODIFIED', object: request.render(change.object) };
  if (now) return { type: 'ADDED', object: request.render(change.object) };
  if (before) return { type: 'DELETED', object: request.render(change.object) };
  return undefined;
}
