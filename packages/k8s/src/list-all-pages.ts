import type { KubeHttp } from './kube-http.js';
import { KubeApiError } from './kube-errors.js';

/** A whole collection as the server sent it: items in plain JSON, and the list's resourceVersion. */
export interface ListedCollection {
  readonly items: unknown[];
  readonly resourceVersion: string;
}

/**
 * Lists a collection `pageSize` items at a time (`limit`/`continue`), so a large cluster is not
 * one huge response. When a continue token expires (410) halfway, the list starts over in one
 * request rather than failing.
 */
export async function listAllPages(http: KubeHttp, path: string, pageSize: number, signal?: AbortSignal): Promise<ListedCollection> {
  const items: unknown[] = [];
  let resourceVersion = '';
  let token: string | undefined;
  let paged = true;
  for (;;) {
    let page: { metadata?: { resourceVersion?: string; continue?: string }; items?: unknown[] };
    try {
      page = await http.request('GET', path, { query: paged ? { limit: String(pageSize), continue: token } : {}, ...(signal ? { signal } : {}) });
    } catch (e) {
      if (!(e instanceof KubeApiError && e.statusCode === 410 && token !== undefined)) throw e;
      items.length = 0;
      resourceVersion = '';
      token = undefined;
      paged = false;
      continue;
    }
    items.push(...(page.items ?? []));
    // Every page of one list shares the first page's snapshot.
    resourceVersion ||= page.metadata?.resourceVersion ?? '';
    token = page.metadata?.continue || undefined;
    if (!paged || token === undefined) return { items, resourceVersion };
  }
}
