import { randomBytes } from 'node:crypto';
import {
  AlreadyExistsError,
  BadRequestError,
  ConflictError,
  ForbiddenError,
  InvalidError,
  NotFoundError,
  UnsupportedMediaTypeError,
} from './errors.js';
import { JsonPatchError, applyJsonPatch } from './json-patch.js';
import { type KubeObject, type StoredObject, isRecord } from './kube-object.js';
import { applyMergePatch } from './merge-patch.js';
import type { Mutation, ObjectStore } from './object-store.js';
import type { ObjectFilter } from './object-filter.js';
import { type RequestScope, normalizeBody, prepareCreate, prepareStatusUpdate, prepareUpdate, sameContent } from './object-preparation.js';
import type { ResourceDefinition } from './resource-definition.js';
import { NAMESPACES, RESOURCES, SERVICES } from './resources.js';
import { type AddressAssignment, type ServiceAllocators, assignServiceAddresses, releaseServiceAddresses } from './service-addressing.js';
import { validateMetadata, validateSpec } from './validation.js';

/** One page of a list. */
export interface ListPage {
  readonly items: StoredObject[];
  readonly resourceVersion: number;
  readonly continueToken?: string;
  readonly remainingItemCount?: number;
}

export interface ListOptions {
  readonly filter: ObjectFilter;
  readonly limit?: number;
  readonly continueToken?: string;
}

type GrantedAddresses = Extract<AddressAssignment, { ok: true }>;

/** Namespaces the API refuses to delete, as Kubernetes does. */
const PROTECTED_NAMESPACES = new Set(['default', 'kube-system', 'kube-public']);

const GENERATE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/**
 * The verbs, over the object store: everything the HTTP layer does after parsing a request.
 * Synchronous from check to commit, so a precondition checked here still holds at the write.
 */
export class ResourceOperations {
  constructor(
    private readonly store: ObjectStore,
    private readonly allocators: ServiceAllocators,
    private readonly clock: () => Date,
  ) {}

  get(scope: RequestScope, name: string): StoredObject {
    const found = this.store.get(scope.def.key, scope.namespace ?? '', name);
    if (!found) throw new NotFoundError(scope.def.plural, name, scope.def.group);
    return found;
  }

  list(scope: RequestScope, options: ListOptions): ListPage {
    const resourceVersion = this.store.resourceVersion;
    const ns = scope.def.namespaced ? scope.namespace : undefined;
    let items = this.store.list(scope.def.key, ns).filter((o) => options.filter.matches(o));
    if (options.continueToken !== undefined) {
      const after = decodeContinue(options.continueToken);
      items = items.filter((o) => objectKey(o) > after);
    }
    if (options.limit === undefined || options.limit <= 0 || items.length <= options.limit) return { items, resourceVersion };
    const page = items.slice(0, options.limit);
    const last = page[page.length - 1];
    return {
      items: page,
      resourceVersion,
      ...(last ? { continueToken: encodeContinue(objectKey(last)) } : {}),
      remainingItemCount: items.length - page.length,
    };
  }

  create(scope: RequestScope, body: unknown): StoredObject {
    const { def } = scope;
    const obj = normalizeBody(scope, body);
    if (def.namespaced) this.requireNamespace(scope.namespace ?? '');
    const generateName = obj.metadata.generateName;
    if ((obj.metadata.name === undefined || obj.metadata.name === '') && typeof generateName === 'string' && generateName !== '') {
      obj.metadata.name = this.generateName(def, scope.namespace ?? '', generateName);
    }
    const prepared = prepareCreate(def, obj, this.clock());
    this.validate(def, prepared);
    const name = prepared.metadata.name ?? '';
    if (this.store.get(def.key, scope.namespace ?? '', name)) throw new AlreadyExistsError(def.plural, name, def.group);
    const assignment = this.assignAddresses(def, prepared, undefined);
    return this.commitOne(def, prepared, assignment);
  }

  update(scope: RequestScope, name: string, body: unknown, subresource?: 'status'): StoredObject {
    const current = this.get(scope, name);
    const obj = normalizeBody(scope, body, name);
    return this.replace(scope, current, obj, subresource);
  }

  patch(scope: RequestScope, name: string, contentType: string, body: unknown, subresource?: 'status'): StoredObject {
    const current = this.get(scope, name);
    let patched: unknown;
    const mediaType = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
    try {
      if (mediaType === 'application/merge-patch+json' || mediaType === 'application/strategic-merge-patch+json') {
        if (!isRecord(body)) throw new BadRequestError(`${scope.def.kind} "${name}": a merge patch must be a JSON object`);
        patched = applyMergePatch(current, body);
      } else if (mediaType === 'application/json-patch+json') {
        patched = applyJsonPatch(current, body);
      } else {
        throw new UnsupportedMediaTypeError(contentType);
      }
    } catch (cause) {
      if (cause instanceof JsonPatchError) throw new BadRequestError(`${scope.def.kind} "${name}": ${cause.message}`, {}, { cause });
      throw cause;
    }
    const obj = normalizeBody(scope, patched, name);
    return this.replace(scope, current, obj, subresource);
  }

  delete(scope: RequestScope, name: string, options: unknown): StoredObject {
    const { def } = scope;
    const current = this.get(scope, name);
    checkPreconditions(def, current, options);
    return this.deleteObjects(def, [current])[0] ?? current;
  }

  deleteCollection(scope: RequestScope, filter: ObjectFilter): StoredObject[] {
    const ns = scope.def.namespaced ? scope.namespace : undefined;
    const targets = this.store.list(scope.def.key, ns).filter((o) => filter.matches(o));
    return this.deleteObjects(scope.def, targets);
  }

  private deleteObjects(def: ResourceDefinition, targets: readonly StoredObject[]): StoredObject[] {
    const mutations: Mutation[] = [];
    for (const target of targets) {
      const name = target.metadata.name;
      if (def === NAMESPACES) {
        if (PROTECTED_NAMESPACES.has(name)) throw new ForbiddenError(`namespaces "${name}" is forbidden: this namespace may not be deleted`, { kind: 'namespaces', name });
        // Kubernetes drains a namespace through finalizers; here its objects go in the same commit.
        for (const r of RESOURCES.filter((d) => d.namespaced)) {
          for (const o of this.store.list(r.key, name)) mutations.push({ op: 'delete', resource: r.key, namespace: name, name: o.metadata.name });
        }
      }
      mutations.push({ op: 'delete', resource: def.key, namespace: target.metadata.namespace ?? '', name });
    }
    const events = this.store.commit(mutations);
    for (const e of events) {
      if (e.resource === SERVICES.key) releaseServiceAddresses(e.object, this.allocators);
    }
    return events.filter((e) => e.resource === def.key).map((e) => e.object);
  }

  private replace(scope: RequestScope, current: StoredObject, obj: KubeObject, subresource?: 'status'): StoredObject {
    const { def } = scope;
    const requested = obj.metadata.resourceVersion;
    if (requested !== undefined && requested !== '' && requested !== current.metadata.resourceVersion) {
      throw new ConflictError(def.plural, current.metadata.name, 'the object has been modified; please apply your changes to the latest version and try again', def.group);
    }
    const uid = obj.metadata.uid;
    if (uid !== undefined && uid !== '' && uid !== current.metadata.uid) {
      throw new ConflictError(def.plural, current.metadata.name, `Precondition failed: UID in precondition: ${uid}, UID in object meta: ${current.metadata.uid}`, def.group);
    }
    const next = subresource === 'status' ? prepareStatusUpdate(current, obj) : prepareUpdate(def, current, obj);
    next.metadata.resourceVersion = current.metadata.resourceVersion;
    this.validate(def, next);
    // Addresses first: they fill in fields, and only then can a no-op update be recognised.
    const assignment = subresource === 'status' ? undefined : this.assignAddresses(def, next, current);
    if (sameContent(current, next)) {
      assignment?.commit();
      return current;
    }
    return this.commitOne(def, next, assignment);
  }

  private commitOne(def: ResourceDefinition, obj: KubeObject, assignment: GrantedAddresses | undefined): StoredObject {
    let events;
    try {
      events = this.store.commit([{ op: 'put', resource: def.key, object: obj }]);
    } catch (cause) {
      assignment?.rollback();
      throw cause;
    }
    assignment?.commit();
    const stored = events[0]?.object;
    if (!stored) throw new Error(`${def.kind} "${obj.metadata.name ?? ''}": commit produced no event`);
    return stored;
  }

  private assignAddresses(def: ResourceDefinition, obj: KubeObject, previous: StoredObject | undefined): GrantedAddresses | undefined {
    if (def.kind !== 'Service' || !isRecord(obj['spec'])) return undefined;
    const assignment = assignServiceAddresses(obj as KubeObject & { spec: Record<string, unknown> }, previous, this.allocators);
    if (!assignment.ok) throw new InvalidError(def.kind, obj.metadata.name ?? '', assignment.causes, def.group);
    return assignment;
  }

  private validate(def: ResourceDefinition, obj: KubeObject): void {
    const causes = [...validateMetadata(def, obj), ...validateSpec(def, obj)];
    if (causes.length > 0) throw new InvalidError(def.kind, obj.metadata.name ?? obj.metadata.generateName ?? '', causes, def.group);
  }

  private requireNamespace(namespace: string): void {
    if (namespace === '') throw new BadRequestError('a namespaced object needs a namespace in the request path');
    if (!this.store.get(NAMESPACES.key, '', namespace)) throw new NotFoundError('namespaces', namespace);
  }

  private generateName(def: ResourceDefinition, namespace: string, prefix: string): string {
    for (let attempt = 0; attempt < 16; attempt += 1) {
      const bytes = randomBytes(5);
      const suffix = [...bytes].map((b) => GENERATE_ALPHABET[b % GENERATE_ALPHABET.length] ?? 'x').join('');
      const name = `${prefix}${suffix}`;
      if (!this.store.get(def.key, namespace, name)) return name;
    }
    throw new AlreadyExistsError(def.plural, `${prefix}*`, def.group);
  }
}

function checkPreconditions(def: ResourceDefinition, current: StoredObject, options: unknown): void {
  const pre = isRecord(options) && isRecord(options['preconditions']) ? options['preconditions'] : undefined;
  if (!pre) return;
  if (typeof pre['uid'] === 'string' && pre['uid'] !== current.metadata.uid) {
    throw new ConflictError(def.plural, current.metadata.name, `Precondition failed: UID in precondition: ${pre['uid']}, UID in object meta: ${current.metadata.uid}`, def.group);
  }
  if (typeof pre['resourceVersion'] === 'string' && pre['resourceVersion'] !== current.metadata.resourceVersion) {
    throw new ConflictError(
      def.plural,
      current.metadata.name,
      `Precondition failed: ResourceVersion in precondition: ${pre['resourceVersion']}, ResourceVersion in object meta: ${current.metadata.resourceVersion}`,
      def.group,
    );
  }
}

function objectKey(o: KubeObject): string {
  return `${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}`;
}

function encodeContinue(key: string): string {
  return Buffer.from(JSON.stringify({ v: 1, after: key })).toString('base64url');
}

function decodeContinue(token: string): string {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (isRecord(parsed) && typeof parsed['after'] === 'string') return parsed['after'];
  } catch {
    // fall through to the 400 below
  }
  throw new BadRequestError(`continue token "${token}" is not one this server issued`);
}
