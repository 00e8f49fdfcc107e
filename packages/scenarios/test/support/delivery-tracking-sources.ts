import { objectKey, type ClusterSources, type KubeObject, type ObjectChange, type ObjectSource } from '@netledger/k8s';

/** The last change of one object a service's handler returned from. */
export interface Delivery {
  readonly type: ObjectChange<KubeObject>['type'];
  readonly resourceVersion: string | undefined;
}

/** A change the test made, and which delivery proves a service saw it. */
export type ExpectedDelivery =
  | { readonly kind: string; readonly key: string; readonly type: 'upsert'; readonly resourceVersion: string }
  | { readonly kind: string; readonly key: string; readonly type: 'delete' };

/**
 * Informer sources that remember, per kind and object, the last change each handler returned
 * from. A test that changed an object through the API waits until every service watching that
 * kind was handed the change, then until the service settled: from then on its log holds what
 * the change decided. Nothing here waits on time.
 */
export class DeliveryTrackingSources implements ClusterSources {
  readonly #inner: ClusterSources;
  readonly #delivered = new Map<string, Map<string, Delivery>>();

  constructor(inner: ClusterSources) {
    this.#inner = inner;
  }

  pods() {
    return this.#track(this.#inner.pods());
  }
  namespaces() {
    return this.#track(this.#inner.namespaces());
  }
  nodes() {
    return this.#track(this.#inner.nodes());
  }
  services() {
    return this.#track(this.#inner.services());
  }
  endpointSlices() {
    return this.#track(this.#inner.endpointSlices());
  }
  networkPolicies() {
    return this.#track(this.#inner.networkPolicies());
  }
  ciliumNetworkPolicies() {
    return this.#track(this.#inner.ciliumNetworkPolicies());
  }
  ciliumClusterwideNetworkPolicies() {
    return this.#track(this.#inner.ciliumClusterwideNetworkPolicies());
  }

  /** Whether the service watches `kind` at all (it started a source for it). */
  watches(kind: string): boolean {
    return this.#delivered.has(kind);
  }

  /** Whether the expected change reached the service's handler (a kind it does not watch: trivially). */
  saw(expected: ExpectedDelivery): boolean {
    const byKey = this.#delivered.get(expected.kind);
    if (byKey === undefined) return true;
    const last = byKey.get(expected.key);
    if (last === undefined) return false;
    return expected.type === 'delete' ? last.type === 'delete' : last.type === 'upsert' && last.resourceVersion === expected.resourceVersion;
  }

  #track<T extends KubeObject>(source: ObjectSource<T>): ObjectSource<T> {
    const byKey = new Map<string, Delivery>();
    this.#delivered.set(source.kind, byKey);
    return {
      kind: source.kind,
      list: () => source.list(),
      stop: () => source.stop(),
      start: (handler) =>
        source.start(async (change) => {
          await handler(change);
          byKey.set(objectKey(change.object), { type: change.type, resourceVersion: change.object.metadata.resourceVersion });
        }),
    };
  }
}
