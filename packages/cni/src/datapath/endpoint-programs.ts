/** Pin paths of the two programs every pod's host veth runs. */
export interface EndpointProgramPaths {
  /** tc, the host veth's ingress: packets leaving the pod. */
  readonly fromPod: string;
  /** tc, the host veth's egress: packets entering the pod. */
  readonly toPod: string;
}

/**
 * What the plugin needs from the datapath (the node agent loads and pins the programs; the
 * plugin only attaches them): a port so the commands do not care how attaching is done.
 */
export interface EndpointPrograms {
  paths(pinDir: string): EndpointProgramPaths;
  /** tc clsact on the host veth: from-pod on ingress, to-pod on egress (replace, idempotent). */
  attach(hostIfname: string, pinDir: string): void;
  /** No error when the device or the filters are absent. */
  detach(hostIfname: string): void;
}
