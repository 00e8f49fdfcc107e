import type { ObjectRef } from './kube-client.js';
import { KubeApiError, KubeConflictError, objectError, type KubeObjectName } from './kube-errors.js';
import { KubeHttp } from './kube-http.js';
import { qualifiedName, resourcePath, type KubeResource } from './kube-resources.js';
import type { KubeObject } from './kube-types.js';
import type { KubeWriteClient, WriteDeleteResult } from './kube-write-client.js';
import { loadKubeConfig } from './load-kube-config.js';

const MERGE_PATCH = 'application/merge-patch+json';

/** Options of `createKubeWriteClient`. */
export interface KubeWriteClientOptions {
  /** Kubeconfig file(s) (`a:b`); undefined = client-node's default search. */
  readonly kubeconfigPath?: string | undefined;
  /** Per request (default 30 s). */
  readonly timeoutMs?: number;
}

/** A KubeWriteClient for the cluster of a kubeconfig (read once, here), reusing its connections. */
export function createKubeWriteClient(options: KubeWriteClientOptions = {}): KubeWriteClient {
  const kc = loadKubeConfig(options.kubeconfigPath);
  return new HttpKubeWriteClient(new KubeHttp(kc, { keepAlive: true, ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }) }));
}

/** KubeWriteClient over the API's JSON endpoints. */
export class HttpKubeWriteClient implements KubeWriteClient {
  constructor(private readonly http: KubeHttp) {}

  async get<T extends KubeObject>(ref: ObjectRef): Promise<T | undefined> {
    try {
      return await this.http.request<T>('GET', resourcePath(ref.resource, ref.namespace, ref.name));
    } catch (e) {
      if (e instanceof KubeApiError && e.statusCode === 404) return undefined;
      throw e;
    }
  }

  async create<T extends KubeObject>(resource: KubeResource, namespace: string | undefined, object: object): Promise<T> {
    const name = (object as { metadata?: { name?: unknown } }).metadata?.name;
    const about = { resource: qualifiedName(resource), namespace, name: typeof name === 'string' ? name : '' };
    return this.send<T>(about, 'POST', resourcePath(resource, namespace), { body: object });
  }

  patch<T extends KubeObject>(ref: ObjectRef, mergePatch: object, subresource?: 'status'): Promise<T> {
    const path = resourcePath(ref.resource, ref.namespace, ref.name) + (subresource ? `/${subresource}` : '');
    return this.send<T>(nameOf(ref), 'PATCH', path, { body: mergePatch, contentType: MERGE_PATCH });
  }

  async delete<T extends KubeObject>(ref: ObjectRef, options: { readonly uid?: string | undefined } = {}): Promise<WriteDeleteResult<T>> {
    const { uid } = options;
    const body = uid === undefined ? undefined : { apiVersion: 'v1', kind: 'DeleteOptions', preconditions: { uid } };
    try {
      const answer = await this.send<unknown>(nameOf(ref), 'DELETE', resourcePath(ref.resource, ref.namespace, ref.name), body === undefined ? {} : { body });
      // Most kinds answer with the deleted object; some servers send a Status instead.
      const isObject = typeof answer === 'object' && answer !== null && (answer as { kind?: unknown }).kind !== 'Status';
      return { outcome: 'deleted', object: isObject ? (answer as T) : undefined };
    } catch (e) {
      if (e instanceof KubeApiError && e.statusCode === 404) return { outcome: 'gone' };
      // A failed uid precondition: the name now belongs to another object, ours is gone.
      if (e instanceof KubeConflictError && uid !== undefined) return { outcome: 'gone' };
      throw e;
    }
  }

  close(): void {
    this.http.close();
  }

  private async send<T>(about: KubeObjectName, method: string, path: string, options: { readonly body?: unknown; readonly contentType?: string }): Promise<T> {
    try {
      return await this.http.request<T>(method, path, options);
    } catch (e) {
      throw e instanceof KubeApiError ? objectError(e, about) : e;
    }
  }
}

function nameOf(ref: ObjectRef): KubeObjectName {
  return { resource: qualifiedName(ref.resource), namespace: ref.namespace, name: ref.name };
}
