import { CniPluginError, invokeCni } from '@netledger/cni';
import type { CniNetworkConfig } from './cni-network-config.js';

/** One ADD, CHECK or DEL: the CNI_* variables besides the command. */
export interface CniCall {
  /** The pod's uid (CNI_CONTAINERID). */
  readonly containerId: string;
  /** Path of the network namespace; undefined only on DEL when it is gone. */
  readonly netns: string | undefined;
  readonly ifname: string;
  /** CNI_ARGS pairs (K8S_POD_NAMESPACE, K8S_POD_NAME, K8S_POD_UID). */
  readonly args: Readonly<Record<string, string>>;
  /** The ADD result, sent back as prevResult on CHECK and DEL as the spec asks. */
  readonly prevResult?: unknown;
}

/** The part of a CNI 1.0 ADD result the runtime reads. */
export interface CniAddResult {
  readonly cniVersion: string;
  readonly interfaces?: ReadonlyArray<{ readonly name: string; readonly mac?: string; readonly sandbox?: string }>;
  readonly ips?: ReadonlyArray<{ readonly address: string; readonly gateway?: string; readonly interface?: number }>;
  readonly [field: string]: unknown;
}

export interface CniPluginRunnerOptions {
  /** The plugin executable; CNI_PATH is its directory. */
  readonly pluginPath: string;
  readonly config: CniNetworkConfig;
  /** A plugin run that takes longer is killed (and its call fails); default 60 s. */
  readonly timeoutMs?: number;
  /** Plugin runs at a time (each one is a process start; the local one runs through tsx); default 2. */
  readonly maxConcurrent?: number;
}

/**
 * Calls a CNI plugin the way a container runtime does (netledger-cni's `invokeCni`: CNI_* in the
 * environment, the network config on stdin), adding what a runtime keeps: prevResult on CHECK
 * and DEL, and a bound on plugin runs at a time. Failures throw @netledger/cni's CniPluginError.
 */
export class CniPluginRunner {
  private running = 0;
  private readonly waiting: Array<() => void> = [];
  private readonly timeoutMs: number;
  private readonly maxConcurrent: number;

  constructor(private readonly options: CniPluginRunnerOptions) {
    this.timeoutMs = options.timeoutMs ?? 60_000;
    this.maxConcurrent = options.maxConcurrent ?? 2;
  }

  get pluginPath(): string {
    return this.options.pluginPath;
  }

  async add(call: CniCall): Promise<CniAddResult> {
    const out = await this.invoke('ADD', call);
    if (typeof out !== 'object' || out === null || !Array.isArray((out as CniAddResult).ips)) {
      throw new CniPluginError('ADD', this.options.pluginPath, undefined, `result has no ips list: ${JSON.stringify(out)?.slice(0, 200)}`, undefined, 0, '');
    }
    return out as CniAddResult;
  }

  async check(call: CniCall): Promise<void> {
    await this.invoke('CHECK', call);
  }

  /** Releases what ADD set up; plugins answer success for what is already gone. */
  async del(call: CniCall): Promise<void> {
    await this.invoke('DEL', call);
  }

  private async invoke(command: 'ADD' | 'CHECK' | 'DEL', call: CniCall): Promise<unknown> {
    await this.acquire();
    try {
      return await this.invokeNow(command, call);
    } finally {
      this.release();
    }
  }

  private async invokeNow(command: 'ADD' | 'CHECK' | 'DEL', call: CniCall): Promise<unknown> {
    const config = command === 'ADD' || call.prevResult === undefined ? this.options.config : { ...this.options.config, prevResult: call.prevResult };
    return invokeCni(
      this.options.pluginPath,
      command,
      { containerId: call.containerId, ifname: call.ifname, args: call.args, ...(call.netns === undefined ? {} : { netns: call.netns }) },
      config,
      { timeoutMs: this.timeoutMs },
    );
  }

  private acquire(): Promise<void> {
    if (this.running < this.maxConcurrent) {
      this.running += 1;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.running -= 1;
  }
}

/** The pod address of an ADD result (`10.200.0.5/32` → `10.200.0.5`). */
export function podIpOf(result: CniAddResult): string | undefined {
  const first = result.ips?.[0]?.address;
  return first === undefined ? undefined : first.split('/')[0];
}
