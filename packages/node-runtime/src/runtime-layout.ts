import { join } from 'node:path';
import type { DataDir } from '@netledger/runtime';

/**
 * Where one node's runtime keeps its files under the data dir's agent directory: the pods it
 * runs (state file), container logs, and the CNI plugin's IPAM and endpoint registrations.
 */
export class RuntimeLayout {
  constructor(
    readonly dataDir: DataDir,
    readonly node: string,
  ) {}

  /** `<data>/agents/<node>/runtime` */
  get dir(): string {
    return join(this.dataDir.agentDir(this.node), 'runtime');
  }
  /** The pods the runtime set up: netns, address, processes (so a restart adopts them). */
  get stateFile(): string {
    return join(this.dir, 'pods.json');
  }
  /** The network config the runtime writes when it is not given one. */
  get cniConfigFile(): string {
    return join(this.dir, 'netledger-cni.conf');
  }
  /** The CNI plugin's address allocations. */
  get ipamDir(): string {
    return join(this.dataDir.agentDir(this.node), 'ipam');
  }
  /** The CNI plugin's stateDir: `endpoints/<containerId>.json`, which the node agent follows. */
  get cniStateDir(): string {
    return join(this.dataDir.agentDir(this.node), 'cni');
  }
  podLogDir(uid: string): string {
    return join(this.dir, 'logs', uid);
  }
  containerLog(uid: string, container: string): string {
    return join(this.podLogDir(uid), `${container}.log`);
  }
}
