export type {
  ObjectMeta,
  KubeObject,
  ContainerPort,
  Pod,
  Namespace,
  Node,
  Service,
  ServicePort,
  EndpointSlice,
  PolicyObject,
} from './kube-types.js';
export { objectKey, type ObjectChange, type ObjectSource } from './object-source.js';
export { MemoryObjectSource } from './memory-object-source.js';
export { MemoryClusterSources, type ClusterSources } from './cluster-sources.js';
