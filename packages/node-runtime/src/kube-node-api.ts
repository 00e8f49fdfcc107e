import { KubeConfig } from '@kubernetes/client-node';
import { KubeApiError, KubeConfigError, KubeConnectionError } from '@netledger/k8s';
import fetch, { type Headers, type RequestInit } from 'node-fetch';
import type { NodeApi } from './node-api.js';

const MERGE_PATCH = 'application/merge-patch+json';

/**
 * NodeApi over the API server of a kubeconfig (its TLS and credentials through client-node's
 * `applyToFetchOptions`). @netledger/k8s has no status-subresource write yet, hence these three
 * requests here; they move there once it has.
 */
export function createKubeNodeApi(options: { readonly kubeconfigPath: string; readonly timeoutMs?: number }): NodeApi {
  const kc = new KubeConfig();
  try {
    kc.loadFromFile(options.kubeconfigPath);
  } catch (cause) {
    throw new KubeConfigError(options.kubeconfigPath, `cannot be loaded: ${(cause as Error).message}`, { cause });
  }
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new KubeConfigError(options.kubeconfigPath, `current context "${kc.getCurrentContext()}" names no cluster`);
  const server = cluster.server.replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? 30_000;

  const request = async (method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<unknown> => {
    const init: RequestInit = await kc.applyToFetchOptions({});
    init.method = method;
    init.timeout = timeoutMs;
    const headers = init.headers as Headers;
    headers.set('Accept', 'application/json');
    if (body !== undefined) {
      headers.set('Content-Type', contentType);
      init.body = JSON.stringify(body);
    }
    let status: number;
    let text: string;
    try {
      const res = await fetch(server + path, init);
      status = res.status;
      text = await res.text();
    } catch (cause) {
      throw new KubeConnectionError(method, server + path, { cause });
    }
    const parsed = parseJson(text);
    if (status >= 200 && status < 300) return parsed;
    const s = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as { reason?: unknown; message?: unknown };
    throw new KubeApiError(method, path, status, typeof s.reason === 'string' ? s.reason : '', typeof s.message === 'string' ? s.message : text.slice(0, 200));
  };
  const ignoreNotFound = (e: unknown): void => {
    if (!(e instanceof KubeApiError && e.statusCode === 404)) throw e;
  };
  const podPath = (namespace: string, name: string) => `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(name)}`;

  return {
    async registerNode(object, status) {
      const name = (object['metadata'] as { name: string }).name;
      const path = `/api/v1/nodes/${encodeURIComponent(name)}`;
      try {
        await request('PATCH', path, { metadata: object['metadata'], spec: object['spec'] }, MERGE_PATCH);
      } catch (e) {
        if (!(e instanceof KubeApiError && e.statusCode === 404)) throw e;
        await request('POST', '/api/v1/nodes', object);
      }
      await request('PATCH', `${path}/status`, { status }, MERGE_PATCH);
    },
    async annotatePod(namespace, name, annotations) {
      await request('PATCH', podPath(namespace, name), { metadata: { annotations } }, MERGE_PATCH).catch(ignoreNotFound);
    },
    async patchPodStatus(namespace, name, status) {
      await request('PATCH', `${podPath(namespace, name)}/status`, { status }, MERGE_PATCH).catch(ignoreNotFound);
    },
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
