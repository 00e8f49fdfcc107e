/**
 * The writes the runtime makes to the Kubernetes API (reads come from an ObjectSource). A port
 * so tests and other clusters can supply their own; `createKubeNodeApi` is the HTTP one.
 */
export interface NodeApi {
  /** Creates the Node or merge-patches its metadata and spec, then merge-patches its status. */
  registerNode(object: Record<string, unknown>, status: Record<string, unknown>): Promise<void>;
  /** Merge-patches a pod's annotations. A missing pod is success (it was deleted meanwhile). */
  annotatePod(namespace: string, name: string, annotations: Readonly<Record<string, string>>): Promise<void>;
  /** Merge-patches a pod's status subresource. A missing pod is success. */
  patchPodStatus(namespace: string, name: string, status: Record<string, unknown>): Promise<void>;
}
