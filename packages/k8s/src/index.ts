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
  Deployment,
  LabelSelector,
} from './kube-types.js';
export { objectKey, type ObjectChange, type ObjectSource } from './object-source.js';
export { MemoryObjectSource } from './memory-object-source.js';
export { MemoryClusterSources, type ClusterSources, type WorkloadSources } from './cluster-sources.js';
export { createInformerSources, type InformerSourcesOptions } from './informer-cluster-sources.js';
export type { SourceLogger } from './informer-object-source.js';
export type { KubeClient, KubeManifest, ApplyResult, DeleteResult, ObjectRef, KubeTable, ObjectQuery } from './kube-client.js';
export { createKubeClient, LAST_APPLIED_ANNOTATION, type KubeClientOptions } from './http-kube-client.js';
export type { KubeWriteClient, WriteDeleteResult } from './kube-write-client.js';
export { createKubeWriteClient, type KubeWriteClientOptions } from './http-kube-write-client.js';
export {
  KUBE_RESOURCES,
  apiVersionOf,
  findResource,
  qualifiedName,
  resourceForKind,
  resourcePath,
  type KubeResource,
} from './kube-resources.js';
export { parseManifests, formatYaml, type Manifest } from './parse-manifests.js';
export { readManifests } from './read-manifests.js';
export { createMergePatch, applyMergePatch, jsonEqual } from './merge-patch.js';
export { humanAge } from './human-age.js';
export {
  KubeAlreadyExistsError,
  KubeApiError,
  KubeConfigError,
  KubeConflictError,
  KubeNotFoundError,
  type KubeObjectName,
  KubeConnectionError,
  KubeObjectError,
  ManifestError,
  SourceStoppedError,
  UnsupportedKindError,
} from './kube-errors.js';
