import type { CniNetworkConfig } from '../cni-config.js';
import type { CniInvocation } from '../cni-env.js';
import type { EndpointPrograms } from '../datapath/endpoint-programs.js';
import { IpamStore, type IpamOwner } from '../ipam/ipam-store.js';
import type { IpRunner } from '../net/ip-runner.js';
import type { Tools } from '../net/tools.js';

/** Everything one ADD, DEL or CHECK works with, built once in main. */
export interface PluginContext {
  readonly config: CniNetworkConfig;
  readonly invocation: CniInvocation;
  readonly tools: Tools;
  readonly ip: IpRunner;
  readonly programs: EndpointPrograms;
  /** The plugin's pid (its network namespace is the host's). */
  readonly pid: number;
  readonly now: () => Date;
}

export function ipamOf(ctx: PluginContext): IpamStore {
  return new IpamStore({ dir: ctx.config.ipamDir, podCIDR: ctx.config.podCIDR, routerIP: ctx.config.routerIP });
}

export function ipamOwnerOf(ctx: PluginContext): IpamOwner {
  return { network: ctx.config.name, containerId: ctx.invocation.containerId, ifname: ctx.invocation.ifname };
}
