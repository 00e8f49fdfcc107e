/** What the runtime says about its node. */
export interface NodeDescription {
  readonly name: string;
  readonly podCidr: string;
  /** InternalIP: the node address (default: the router IP). */
  readonly nodeIp: string;
  readonly version: string;
}

/** The Node's metadata and spec (main resource; status goes to the status subresource). */
export function buildNodeObject(node: NodeDescription): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: node.name,
      labels: { 'kubernetes.io/hostname': node.name, 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': archLabel() },
    },
    spec: { podCIDR: node.podCidr, podCIDRs: [node.podCidr] },
  };
}

/** The Node's status: addresses and a Ready condition. */
export function buildNodeStatus(node: NodeDescription, now: string): Record<string, unknown> {
  return {
    addresses: [
      { type: 'InternalIP', address: node.nodeIp },
      { type: 'Hostname', address: node.name },
    ],
    conditions: [
      {
        type: 'Ready',
        status: 'True',
        reason: 'NetledgerRuntimeReady',
        message: 'netledger node runtime is running pods',
        lastHeartbeatTime: now,
        lastTransitionTime: now,
      },
    ],
    nodeInfo: { kubeletVersion: node.version, operatingSystem: 'linux', architecture: archLabel(), containerRuntimeVersion: `netledger://${node.version}` },
  };
}

function archLabel(): string {
  return process.arch === 'x64' ? 'amd64' : process.arch;
}
