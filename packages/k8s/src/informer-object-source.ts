import { type KubeConfig, type KubernetesListObject, type KubernetesObject, ListWatch } from '@kubernetes/client-node';
import { Backoff } from './backoff.js';
import { BookmarkWatch } from './bookmark-watch.js';
import { describeCause, KubeApiError, SourceStoppedError } from './kube-errors.js';
import type { KubeHttp } from './kube-http.js';
import { listAllPages } from './list-all-pages.js';
import { resourcePath, type KubeResource } from './kube-resources.js';
import type { KubeObject } from './kube-types.js';
import { objectKey, type ObjectChange, type ObjectSource } from './object-source.js';
import { SerialQueue } from './serial-queue.js';
import { toKubeObject } from './to-kube-object.js';

/** Where the sources report trouble; netledger's runtime Logger fits. */
export interface SourceLogger {
  info(msg: string): void;
  error(msg: string): void;
}

/** Everything one informer source needs, decided once by `createInformerSources`. */
export interface InformerSourceSettings {
  readonly resource: KubeResource;
  readonly kubeConfig: KubeConfig;
  readonly http: KubeHttp;
  readonly logger: SourceLogger;
  /** Restart delays after errors: doubling from `initialMs` to `maxMs`. */
  readonly backoff: { readonly initialMs: number; readonly maxMs: number };
  /** Server-side watch length; a random value in the range spreads reconnects. */
  readonly watchTimeoutSeconds: readonly [number, number];
  /** Items per list page. */
  readonly pageSize: number;
}

type Phase = 'new' | 'running' | 'stopped';

/**
 * An ObjectSource over client-node's ListWatch for one kind, cluster-wide.
 *
 * ListWatch lists, watches, re-watches when a watch ends and relists on 410 (turning the
 * difference into add/update/delete callbacks). It gives up on any other error; this class
 * then restarts it with exponential backoff, resuming from the last resourceVersion. Callbacks
 * are synchronous and may come in bursts, so changes go through a queue that calls the
 * handler one at a time.
 */
export class InformerObjectSource<T extends KubeObject> implements ObjectSource<T> {
  readonly kind: string;
  private readonly objects = new Map<string, T>();
  private readonly queue: SerialQueue;
  private readonly backoff: Backoff;
  private readonly abort = new AbortController();
  private readonly informer: ListWatch<KubernetesObject>;
  private phase: Phase = 'new';
  private handler: ((change: ObjectChange<T>) => void | Promise<void>) | undefined;
  private synced = false;
  private syncWaiter: { resolve: () => void; reject: (e: Error) => void } | undefined;
  private lists = 0;
  private running: Promise<void> | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private lastLogged: string | undefined;
  private notServedLogged = false;

  constructor(private readonly settings: InformerSourceSettings) {
    this.kind = settings.resource.kind;
    this.queue = new SerialQueue((e) => settings.logger.error(`${this.kind} source: handler failed: ${describe(e)}`));
    this.backoff = new Backoff(settings.backoff.initialMs, settings.backoff.maxMs);
    const [minTimeout, maxTimeout] = settings.watchTimeoutSeconds;
    const watch = new BookmarkWatch(
      settings.kubeConfig,
      { isStopped: () => this.phase === 'stopped', onEstablished: () => this.onEstablished() },
      () => minTimeout + Math.floor(Math.random() * (maxTimeout - minTimeout + 1)),
    );
    this.informer = new ListWatch<KubernetesObject>(resourcePath(settings.resource), watch, () => this.listAll(), false);
    this.informer.on('add', (o) => this.enqueue('upsert', o));
    this.informer.on('update', (o) => this.enqueue('upsert', o));
    this.informer.on('delete', (o) => this.enqueue('delete', o));
    this.informer.on('error', (e) => this.onError(e));
  }

  start(handler: (change: ObjectChange<T>) => void | Promise<void>): Promise<void> {
    if (this.phase !== 'new') return Promise.reject(new Error(`${this.kind} source: start called twice (a source runs once; ask ClusterSources for a new one)`));
    this.phase = 'running';
    this.handler = handler;
    const synced = new Promise<void>((resolve, reject) => {
      this.syncWaiter = { resolve, reject };
    });
    this.run();
    return synced;
  }

  async stop(): Promise<void> {
    if (this.phase === 'stopped') return;
    this.phase = 'stopped';
    clearTimeout(this.retryTimer);
    this.abort.abort();
    await this.informer.stop();
    // A start() in flight may still open a watch; BookmarkWatch closes it, and this stops
    // whatever ListWatch set up after that.
    await this.running;
    await this.informer.stop();
    await this.queue.idle();
    if (!this.synced) this.syncWaiter?.reject(new SourceStoppedError(this.kind));
  }

  list(): T[] {
    return [...this.objects.values()];
  }

  private run(): void {
    const listsBefore = this.lists;
    this.running = this.informer
      .start()
      .then(async () => {
        if (this.synced || this.lists === listsBefore || this.phase !== 'running') return;
        // The list's upserts are queued by now; the source is synced once they are delivered.
        await this.queue.idle();
        this.synced = true;
        this.syncWaiter?.resolve();
      })
      .catch((e: unknown) => this.onError(e));
  }

  /** The whole collection; items stay plain JSON (converted in `enqueue`). */
  private async listAll(): Promise<KubernetesListObject<KubernetesObject>> {
    const { http, resource, pageSize } = this.settings;
    let listed;
    try {
      listed = await listAllPages(http, resourcePath(resource), pageSize, this.abort.signal);
    } catch (e) {
      if (e instanceof KubeApiError && e.statusCode === 404) return this.notServed();
      throw e;
    }
    this.lists += 1;
    this.notServedLogged = false;
    return { apiVersion: 'v1', kind: 'List', metadata: { resourceVersion: listed.resourceVersion }, items: listed.items as KubernetesObject[] };
  }

  /**
   * A kind the server does not serve (Cilium CRDs not installed) is an empty collection:
   * the source syncs, and the watch's 404 keeps it retrying until the kind appears.
   */
  private notServed(): KubernetesListObject<KubernetesObject> {
    if (!this.notServedLogged) {
      this.settings.logger.info(`${this.kind} source: ${resourcePath(this.settings.resource)} is not served (CRD not installed?); treating it as empty`);
      this.notServedLogged = true;
    }
    this.lists += 1;
    return { apiVersion: 'v1', kind: 'List', metadata: { resourceVersion: '' }, items: [] };
  }

  private enqueue(type: ObjectChange<T>['type'], raw: KubernetesObject): void {
    // Callbacks run inside ListWatch; an exception here would break its loop, so none escapes.
    if (this.phase !== 'running') return;
    let object: T;
    try {
      object = toKubeObject<T>(raw, this.settings.resource);
    } catch (e) {
      this.settings.logger.error(`${this.kind} source: skipping an object: ${describe(e)}`);
      return;
    }
    const key = objectKey(object);
    if (type === 'upsert') this.objects.set(key, object);
    else this.objects.delete(key);
    const handler = this.handler;
    if (handler) this.queue.push(() => handler({ type, object }));
  }

  private onError(error: unknown): void {
    if (this.phase !== 'running' || this.retryTimer !== undefined) return;
    const delay = this.backoff.next();
    const message = describe(error);
    // One line per backoff step; once at the cap, the same error is not repeated every time.
    if (!(this.backoff.atMax && message === this.lastLogged)) {
      const repeat = this.backoff.atMax ? '; retrying at this interval, repeats not logged' : '';
      this.settings.logger.error(`${this.kind} source: ${message}; retrying in ${delay / 1000} s (attempt ${this.backoff.attempt})${repeat}`);
      this.lastLogged = message;
    }
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      if (this.phase === 'running') this.run();
    }, delay);
  }

  private onEstablished(): void {
    if (this.backoff.attempt > 0) this.settings.logger.info(`${this.kind} source: watching again after ${this.backoff.attempt} failed attempt(s)`);
    this.backoff.reset();
    this.lastLogged = undefined;
  }
}

function describe(e: unknown): string {
  // Watch failures carry the HTTP status (403, 404…) apart from the message.
  const status = e instanceof Error && !(e instanceof KubeApiError) ? (e as { statusCode?: unknown }).statusCode : undefined;
  return typeof status === 'number' ? `watch: HTTP ${status} ${describeCause(e)}` : describeCause(e);
}
