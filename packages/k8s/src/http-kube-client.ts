import type { ApplyResult, DeleteResult, KubeClient, KubeManifest, KubeTable, ObjectQuery, ObjectRef } from './kube-client.js';
import { KubeApiError } from './kube-errors.js';
import { KubeHttp } from './kube-http.js';
import { findResource, resourceForKind, resourcePath, type KubeResource } from './kube-resources.js';
import { humanAge } from './human-age.js';
import { fromServerTable } from './server-table.js';
import type { KubeObject } from './kube-types.js';
import { contextNamespace, loadKubeConfig } from './load-kube-config.js';
import { applyMergePatch, createMergePatch, jsonEqual } from './merge-patch.js';
import { isRecord, toKubeObject } from './to-kube-object.js';

/** The annotation kubectl keeps the last applied manifest in; sharing it keeps both tools' applies consistent. */
export const LAST_APPLIED_ANNOTATION = 'kubectl.kubernetes.io/last-applied-configuration';

/** Metadata the server owns; a manifest copied from `get -o yaml` carries it, apply must not send it. */
const SERVER_METADATA = ['uid', 'resourceVersion', 'creationTimestamp', 'generation', 'managedFields', 'selfLink', 'deletionTimestamp', 'deletionGracePeriodSeconds'];

const TABLE_ACCEPT = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json';

/** Options of `createKubeClient`. */
export interface KubeClientOptions {
  /** Kubeconfig file(s); undefined = client-node's default search. */
  readonly kubeconfigPath?: string | undefined;
}

/** A KubeClient for the cluster of a kubeconfig (read once, here). */
export function createKubeClient(options: KubeClientOptions = {}): KubeClient {
  const kc = loadKubeConfig(options.kubeconfigPath);
  return new HttpKubeClient(new KubeHttp(kc), contextNamespace(kc));
}

interface Prepared extends ObjectRef {
  /** The manifest to send: namespace filled in, server-owned metadata and the annotation removed. */
  readonly body: Record<string, unknown>;
}

/** KubeClient over the API's JSON endpoints (create, merge patch, delete, list, Table). */
export class HttpKubeClient implements KubeClient {
  constructor(
    private readonly http: KubeHttp,
    readonly defaultNamespace: string,
  ) {}

  async apply(objects: readonly KubeManifest[]): Promise<ApplyResult[]> {
    const prepared = objects.map((o) => this.prepare(o));
    const results: ApplyResult[] = [];
    for (const p of prepared) results.push(await this.applyOne(p));
    return results;
  }

  async delete(objects: readonly KubeManifest[]): Promise<DeleteResult[]> {
    const prepared = objects.map((o) => this.prepare(o));
    const results: DeleteResult[] = [];
    for (const p of prepared) {
      const ref: ObjectRef = { resource: p.resource, name: p.name, namespace: p.namespace };
      try {
        await this.http.request('DELETE', resourcePath(p.resource, p.namespace, p.name));
        results.push({ ...ref, outcome: 'deleted' });
      } catch (e) {
        if (!(e instanceof KubeApiError)) throw e;
        results.push(e.statusCode === 404 ? { ...ref, outcome: 'not-found' } : { ...ref, outcome: 'failed', error: e });
      }
    }
    return results;
  }

  async get(kind: string, name?: string, namespace?: string): Promise<KubeObject[]> {
    const resource = findResource(kind);
    const ns = resource.namespaced ? (namespace ?? this.defaultNamespace) : undefined;
    if (name === undefined) return this.listIn(resource, ns);
    try {
      return [toKubeObject(await this.http.request('GET', resourcePath(resource, ns, name)), resource)];
    } catch (e) {
      if (e instanceof KubeApiError && e.statusCode === 404) return [];
      throw e;
    }
  }

  list(kind: string, namespace?: string): Promise<KubeObject[]> {
    return this.listIn(findResource(kind), namespace);
  }

  async table(kind: string, query: ObjectQuery, wide = false): Promise<KubeTable> {
    const resource = findResource(kind);
    const ns = !resource.namespaced || (query.allNamespaces && query.name === undefined) ? undefined : (query.namespace ?? this.defaultNamespace);
    const answer = await this.http.request<unknown>('GET', resourcePath(resource, ns, query.name), {
      accept: TABLE_ACCEPT,
      // Rows then carry each object's metadata: the namespace column of -A comes from it.
      query: { includeObject: 'Metadata' },
    });
    if (isRecord(answer) && answer['kind'] === 'Table') return fromServerTable(answer, wide);
    // A server without Table support sends the objects themselves.
    const items = isRecord(answer) && Array.isArray(answer['items']) ? answer['items'] : [answer];
    const now = Date.now();
    return {
      columns: ['NAME', 'AGE'],
      rows: items.map((raw) => {
        const o = toKubeObject(raw, resource);
        return { namespace: o.metadata.namespace, name: o.metadata.name, cells: [o.metadata.name, humanAge(o.metadata.creationTimestamp, now)] };
      }),
    };
  }

  private async listIn(resource: KubeResource, namespace: string | undefined): Promise<KubeObject[]> {
    const list = await this.http.request<{ items?: unknown[] }>('GET', resourcePath(resource, namespace));
    return (list.items ?? []).map((raw) => toKubeObject(raw, resource)).sort(byNamespaceAndName);
  }

  private prepare(manifest: KubeManifest): Prepared {
    const resource = resourceForKind(manifest.kind);
    const metadata: Record<string, unknown> = { ...manifest.metadata };
    for (const field of SERVER_METADATA) delete metadata[field];
    const namespace = resource.namespaced ? (manifest.metadata.namespace || this.defaultNamespace) : undefined;
    if (namespace === undefined) delete metadata['namespace'];
    else metadata['namespace'] = namespace;
    const annotations = isRecord(metadata['annotations']) ? { ...metadata['annotations'] } : undefined;
    if (annotations) {
      delete annotations[LAST_APPLIED_ANNOTATION];
      if (Object.keys(annotations).length === 0) delete metadata['annotations'];
      else metadata['annotations'] = annotations;
    }
    return { resource, name: manifest.metadata.name, namespace, body: { ...manifest, metadata } };
  }

  private async applyOne(p: Prepared): Promise<ApplyResult> {
    const ref: ObjectRef = { resource: p.resource, name: p.name, namespace: p.namespace };
    const sent = withLastApplied(p.body);
    try {
      const live = await this.readLive(p);
      if (live === undefined) {
        const created = await this.http.request('POST', resourcePath(p.resource, p.namespace), { body: sent });
        return { ...ref, outcome: 'created', object: toKubeObject(created, p.resource) };
      }
      const patch = createMergePatch(withoutStatus(lastApplied(live)), withoutStatus(sent));
      if (jsonEqual(applyMergePatch(live, patch), live)) return { ...ref, outcome: 'unchanged', object: toKubeObject(live, p.resource) };
      const patched = toKubeObject(
        await this.http.request('PATCH', resourcePath(p.resource, p.namespace, p.name), { body: patch, contentType: 'application/merge-patch+json' }),
        p.resource,
      );
      // The server may find the patch a no-op after defaulting (lists we replace with the
      // same content): then it keeps the resourceVersion.
      const outcome = patched.metadata.resourceVersion === resourceVersionOf(live) ? 'unchanged' : 'configured';
      return { ...ref, outcome, object: patched };
    } catch (e) {
      if (e instanceof KubeApiError) return { ...ref, outcome: 'failed', error: e };
      throw e;
    }
  }

  private async readLive(p: Prepared): Promise<Record<string, unknown> | undefined> {
    try {
      return await this.http.request<Record<string, unknown>>('GET', resourcePath(p.resource, p.namespace, p.name));
    } catch (e) {
      if (e instanceof KubeApiError && e.statusCode === 404) return undefined;
      throw e;
    }
  }
}

/** The body with the annotation recording it (status left out: apply never updates it). */
function withLastApplied(body: Record<string, unknown>): Record<string, unknown> {
  const metadata = body['metadata'] as Record<string, unknown>;
  const annotations = isRecord(metadata['annotations']) ? metadata['annotations'] : {};
  const record = JSON.stringify(withoutStatus(body));
  return { ...body, metadata: { ...metadata, annotations: { ...annotations, [LAST_APPLIED_ANNOTATION]: record } } };
}

function lastApplied(live: Record<string, unknown>): Record<string, unknown> | undefined {
  const metadata = live['metadata'];
  const text = isRecord(metadata) && isRecord(metadata['annotations']) ? metadata['annotations'][LAST_APPLIED_ANNOTATION] : undefined;
  if (typeof text !== 'string') return undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    return isRecord(parsed) ? parsed : undefined;
  } catch {
    // Not written by an apply we understand: treat the object as never applied.
    return undefined;
  }
}

/** Status is written by controllers through its own endpoint; apply leaves it to them. */
function withoutStatus<T extends Record<string, unknown> | undefined>(o: T): T {
  if (o === undefined) return o;
  const { status: _status, ...rest } = o;
  return rest as T;
}

function resourceVersionOf(o: Record<string, unknown>): string | undefined {
  const metadata = o['metadata'];
  return isRecord(metadata) && typeof metadata['resourceVersion'] === 'string' ? metadata['resourceVersion'] : undefined;
}

function byNamespaceAndName(a: KubeObject, b: KubeObject): number {
  return (a.metadata.namespace ?? '').localeCompare(b.metadata.namespace ?? '') || a.metadata.name.localeCompare(b.metadata.name);
}
