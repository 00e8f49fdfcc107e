import type { CniCall } from './cni-plugin-runner.js';
import type { PodRecord } from './runtime-state-file.js';

/** The pod's interface name inside its namespace (CNI_IFNAME). */
export const POD_IFNAME = 'eth0';

/** The CNI_* values of a pod's ADD, CHECK or DEL (prevResult once ADD succeeded). */
export function podCniCall(record: PodRecord, netnsPath: string | undefined): CniCall {
  return {
    containerId: record.uid,
    netns: netnsPath,
    ifname: POD_IFNAME,
    // IgnoreUnknown first, as container runtimes send it: plugins that know no K8S_* args accept them.
    args: { IgnoreUnknown: '1', K8S_POD_NAMESPACE: record.namespace, K8S_POD_NAME: record.name, K8S_POD_UID: record.uid },
    ...(record.cniResult === undefined ? {} : { prevResult: record.cniResult }),
  };
}
