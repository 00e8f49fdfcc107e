import { type KubeConfig, Watch } from '@kubernetes/client-node';

/** What the informer source wants to hear from its watch connections. */
export interface WatchHooks {
  /** The source was stopped: a connection that opens now is closed at once. */
  isStopped(): boolean;
  /** A watch connection was accepted (HTTP 200): the API server is reachable again. */
  onEstablished(): void;
}

/**
 * client-node's Watch with what ListWatch does not ask for itself: bookmarks (so a
 * reconnect resumes from a recent resourceVersion instead of hitting 410 on a quiet kind),
 * a server-side timeout (so connections are renewed), and no connection outliving `stop()`
 * (ListWatch can open one after being stopped while a list was in flight).
 */
export class BookmarkWatch extends Watch {
  constructor(
    config: KubeConfig,
    private readonly hooks: WatchHooks,
    private readonly timeoutSeconds: () => number,
  ) {
    super(config);
  }

  override async watch(
    path: string,
    queryParams: Record<string, string | number | boolean | undefined>,
    callback: (phase: string, apiObj: unknown, watchObj?: unknown) => void,
    done: (err: unknown) => void,
  ): Promise<AbortController> {
    let failed = false;
    const controller = await super.watch(
      path,
      { ...queryParams, allowWatchBookmarks: true, timeoutSeconds: this.timeoutSeconds() },
      callback,
      (err: unknown) => {
        if (err) failed = true;
        done(err);
      },
    );
    if (this.hooks.isStopped()) controller.abort();
    else if (!failed) this.hooks.onEstablished();
    return controller;
  }
}
