import { objectKey, type EndpointSlice, type Service } from '@netledger/k8s';

/** The label that ties an EndpointSlice to its Service. */
export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';

/**
 * The Kubernetes objects the LB decides from, as last seen, indexed so that a change to one
 * slice finds its service (and a service its slices) without scanning the cluster.
 */
export class LbInputs {
  private readonly services = new Map<string, Service>();
  private readonly slices = new Map<string, EndpointSlice>();
  /** service key -> slice key -> slice. */
  private readonly slicesByService = new Map<string, Map<string, EndpointSlice>>();
  /** slice key -> service key it is labelled with. */
  private readonly sliceOwner = new Map<string, string>();

  /** Records a Service change; returns its key. */
  setService(service: Service): string {
    const key = objectKey(service);
    this.services.set(key, service);
    return key;
  }

  deleteService(service: Service): string {
    const key = objectKey(service);
    this.services.delete(key);
    return key;
  }

  /**
   * Records an EndpointSlice change; returns the keys of the services it affects (its old
   * service too when its label moved). A slice without the label belongs to no service.
   */
  setSlice(slice: EndpointSlice): string[] {
    const key = objectKey(slice);
    const before = this.detach(key);
    this.slices.set(key, slice);
    const owner = ownerOf(slice);
    if (owner !== undefined) {
      this.sliceOwner.set(key, owner);
      let set = this.slicesByService.get(owner);
      if (!set) this.slicesByService.set(owner, (set = new Map()));
      set.set(key, slice);
    }
    return [...new Set([before, owner].filter((k): k is string => k !== undefined))];
  }

  deleteSlice(slice: EndpointSlice): string[] {
    const key = objectKey(slice);
    const before = this.detach(key);
    this.slices.delete(key);
    return before !== undefined ? [before] : [];
  }

  service(key: string): Service | undefined {
    return this.services.get(key);
  }

  /** A service's slices, by name, so decisions do not depend on arrival order. */
  slicesOf(key: string): EndpointSlice[] {
    const set = this.slicesByService.get(key);
    if (!set) return [];
    return [...set.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, s]) => s);
  }

  serviceKeys(): IterableIterator<string> {
    return this.services.keys();
  }

  get serviceCount(): number {
    return this.services.size;
  }

  get sliceCount(): number {
    return this.slices.size;
  }

  private detach(sliceKey: string): string | undefined {
    const owner = this.sliceOwner.get(sliceKey);
    if (owner === undefined) return undefined;
    this.sliceOwner.delete(sliceKey);
    const set = this.slicesByService.get(owner);
    set?.delete(sliceKey);
    if (set?.size === 0) this.slicesByService.delete(owner);
    return owner;
  }
}

function ownerOf(slice: EndpointSlice): string | undefined {
  const name = slice.metadata.labels?.[SERVICE_NAME_LABEL];
  if (!name) return undefined;
  return slice.metadata.namespace ? `${slice.metadata.namespace}/${name}` : name;
}
