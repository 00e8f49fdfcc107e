import { randomUUID } from 'node:crypto';
import { BadRequestError } from './errors.js';
import { type JsonObject, type KubeObject, type ObjectMeta, type StoredObject, cloneJson, formatTimestamp, isRecord } from './kube-object.js';
import { type ResourceDefinition, apiVersionOf } from './resource-definition.js';
import { defaultService } from './validation.js';

/** Where a request put the object: the namespace from the URL (undefined for cluster-scoped). */
export interface RequestScope {
  readonly def: ResourceDefinition;
  readonly namespace: string | undefined;
}

/**
 * Checks the request body is an object of this resource in this namespace and returns a copy with
 * `apiVersion`, `kind` and `metadata.namespace` filled in. Mismatches are 400s, as in Kubernetes.
 */
export function normalizeBody(scope: RequestScope, body: unknown, urlName?: string): KubeObject {
  const { def } = scope;
  if (!isRecord(body)) throw new BadRequestError(`${def.kind}: request body must be a JSON object`);
  const obj = cloneJson(body);
  const apiVersion = apiVersionOf(def);
  if (obj['apiVersion'] !== undefined && obj['apiVersion'] !== apiVersion) {
    throw new BadRequestError(`${def.kind}: apiVersion ${JSON.stringify(obj['apiVersion'])} does not match the request path (expected ${apiVersion})`);
  }
  if (obj['kind'] !== undefined && obj['kind'] !== def.kind) {
    throw new BadRequestError(`${def.plural}: kind ${JSON.stringify(obj['kind'])} does not match the request path (expected ${def.kind})`);
  }
  const metadata = obj['metadata'] ?? {};
  if (!isRecord(metadata)) throw new BadRequestError(`${def.kind}: metadata must be an object`);
  const meta = metadata as ObjectMeta;
  if (def.namespaced) {
    if (meta.namespace !== undefined && meta.namespace !== '' && meta.namespace !== scope.namespace) {
      throw new BadRequestError(
        `${def.kind} metadata.namespace "${meta.namespace}": the namespace of the provided object does not match the namespace sent on the request ("${scope.namespace ?? ''}")`,
      );
    }
    meta.namespace = scope.namespace;
  } else {
    delete meta.namespace;
  }
  if (urlName !== undefined) {
    if (meta.name !== undefined && meta.name !== '' && meta.name !== urlName) {
      throw new BadRequestError(`${def.kind} metadata.name "${meta.name}": the name of the object does not match the name on the URL ("${urlName}")`);
    }
    meta.name = urlName;
  }
  const { apiVersion: _a, kind: _k, metadata: _m, ...rest } = obj;
  return { apiVersion, kind: def.kind, metadata: meta, ...rest };
}

/** Server-owned metadata and per-kind defaults for a new object. The name must already be set. */
export function prepareCreate(def: ResourceDefinition, obj: KubeObject, now: Date): KubeObject {
  const meta: ObjectMeta = { ...obj.metadata, uid: randomUUID(), creationTimestamp: formatTimestamp(now), generation: 1 };
  delete meta.resourceVersion;
  delete meta.deletionTimestamp;
  delete meta['deletionGracePeriodSeconds'];
  delete meta['managedFields'];
  if (meta.generateName !== undefined && meta.name === undefined) delete meta.generateName;
  const result: KubeObject = { ...obj, metadata: meta };
  applyKindDefaults(def, result);
  return result;
}

/**
 * The object a main-resource update stores: the client's body with server-owned metadata kept
 * from `current`; for resources with a status subresource the old status is kept, as in Kubernetes.
 */
export function prepareUpdate(def: ResourceDefinition, current: StoredObject, body: KubeObject): KubeObject {
  const meta: ObjectMeta = {
    ...body.metadata,
    uid: current.metadata.uid,
    creationTimestamp: current.metadata.creationTimestamp,
    generation: current.metadata.generation ?? 1,
  };
  if (def.namespaced) meta.namespace = current.metadata.namespace;
  delete meta['managedFields'];
  const result: KubeObject = { ...body, metadata: meta };
  if (def.hasStatus) {
    if (current['status'] === undefined) delete result['status'];
    else result['status'] = cloneJson(current['status']);
  }
  applyKindDefaults(def, result);
  bumpGeneration(current, result);
  return result;
}

/** The object a `/status` write stores: everything from `current` except the new status. */
export function prepareStatusUpdate(current: StoredObject, body: KubeObject): KubeObject {
  const result: KubeObject = { ...cloneJson(current) };
  if (body['status'] === undefined) delete result['status'];
  else result['status'] = cloneJson(body['status']);
  return result;
}

/** Same content ignoring resourceVersion: such an update is a no-op, with no new version or event. */
export function sameContent(a: KubeObject, b: KubeObject): boolean {
  const strip = (o: KubeObject): string => JSON.stringify({ ...o, metadata: { ...o.metadata, resourceVersion: undefined } }, sortedKeys);
  return strip(a) === strip(b);
}

/** `generation` counts changes of the desired state: everything outside metadata and status. */
function bumpGeneration(current: KubeObject, next: KubeObject): void {
  const desired = (o: KubeObject): string => {
    const { metadata: _m, status: _s, ...rest } = o;
    return JSON.stringify(rest, sortedKeys);
  };
  if (desired(current) !== desired(next)) next.metadata.generation = (current.metadata.generation ?? 1) + 1;
}

function sortedKeys(_key: string, value: unknown): unknown {
  if (!isRecord(value)) return value;
  return Object.fromEntries(Object.keys(value).sort().map((k) => [k, value[k]]));
}

function applyKindDefaults(def: ResourceDefinition, obj: KubeObject): void {
  switch (def.kind) {
    case 'Namespace': {
      // Namespace selectors in network policies match on this label; real clusters always set it.
      obj.metadata.labels = { ...(obj.metadata.labels ?? {}), 'kubernetes.io/metadata.name': obj.metadata.name ?? '' };
      obj['spec'] = isRecord(obj['spec']) ? obj['spec'] : { finalizers: ['kubernetes'] };
      obj['status'] = isRecord(obj['status']) ? obj['status'] : { phase: 'Active' };
      break;
    }
    case 'Pod': {
      const status: JsonObject = isRecord(obj['status']) ? obj['status'] : {};
      status['phase'] ??= 'Pending';
      obj['status'] = status;
      break;
    }
    case 'Service': {
      if (isRecord(obj['spec'])) defaultService(obj['spec']);
      if (!isRecord(obj['status'])) obj['status'] = { loadBalancer: {} };
      break;
    }
    default:
      break;
  }
}
