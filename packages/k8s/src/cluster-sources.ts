import type { Deployment, EndpointSlice, Namespace, Node, Pod, PolicyObject, Service } from './kube-types.js';
import { MemoryObjectSource } from './memory-object-source.js';
import type { ObjectSource } from './object-source.js';

/**
 * Where a service gets the Kubernetes objects it watches. Each call returns a new source
 * (one informer); a service asks only for what it needs.
 */
export interface ClusterSources {
  pods(): ObjectSource<Pod>;
  namespaces(): ObjectSource<Namespace>;
  nodes(): ObjectSource<Node>;
  services(): ObjectSource<Service>;
  endpointSlices(): ObjectSource<EndpointSlice>;
  networkPolicies(): ObjectSource<PolicyObject>;
  ciliumNetworkPolicies(): ObjectSource<PolicyObject>;
  ciliumClusterwideNetworkPolicies(): ObjectSource<PolicyObject>;
}

/**
 * Sources of workload objects, which only the local stack's controller manager watches (kept
 * apart from ClusterSources so the services' sources need not offer them).
 */
export interface WorkloadSources {
  deployments(): ObjectSource<Deployment>;
}

/** In-memory sources for domain tests; `get(kind)` gives the source to push changes into. */
export class MemoryClusterSources implements ClusterSources, WorkloadSources {
  readonly podSource = new MemoryObjectSource<Pod>('Pod');
  readonly namespaceSource = new MemoryObjectSource<Namespace>('Namespace');
  readonly nodeSource = new MemoryObjectSource<Node>('Node');
  readonly serviceSource = new MemoryObjectSource<Service>('Service');
  readonly endpointSliceSource = new MemoryObjectSource<EndpointSlice>('EndpointSlice');
  readonly networkPolicySource = new MemoryObjectSource<PolicyObject>('NetworkPolicy');
  readonly cnpSource = new MemoryObjectSource<PolicyObject>('CiliumNetworkPolicy');
  readonly ccnpSource = new MemoryObjectSource<PolicyObject>('CiliumClusterwideNetworkPolicy');
  readonly deploymentSource = new MemoryObjectSource<Deployment>('Deployment');

  pods(): ObjectSource<Pod> {
    return this.podSource;
  }
  namespaces(): ObjectSource<Namespace> {
    return this.namespaceSource;
  }
  nodes(): ObjectSource<Node> {
    return this.nodeSource;
  }
  services(): ObjectSource<Service> {
    return this.serviceSource;
  }
  endpointSlices(): ObjectSource<EndpointSlice> {
    return this.endpointSliceSource;
  }
  networkPolicies(): ObjectSource<PolicyObject> {
    return this.networkPolicySource;
  }
  ciliumNetworkPolicies(): ObjectSource<PolicyObject> {
    return this.cnpSource;
  }
  ciliumClusterwideNetworkPolicies(): ObjectSource<PolicyObject> {
    return this.ccnpSource;
  }
  deployments(): ObjectSource<Deployment> {
    return this.deploymentSource;
  }
}
