import { existsSync } from 'node:fs';
import { CNI_ERROR_CODES, CniError } from '../cni-error.js';
import { buildAddResult, type CniResult } from '../cni-result.js';
import { removeRegistration, writeRegistration } from '../endpoint-registration.js';
import { hostVethName } from '../host-veth-name.js';
import { ensureHostNetwork } from '../net/host-network.js';
import { createPodNetwork, deleteHostVeth } from '../net/pod-network.js';
import { ipamOf, ipamOwnerOf, type PluginContext } from './plugin-context.js';
import { step } from './step.js';

/**
 * ADD: checks the programs are pinned, readies the host (nl_host, forwarding), allocates the
 * address, creates and configures the veth pair, attaches the programs, registers the endpoint
 * and returns the result. Anything failing after the allocation is rolled back (veth deleted,
 * address released, registration removed) before the error is reported.
 */
export function cniAdd(ctx: PluginContext): CniResult {
  const { config, invocation } = ctx;
  const netns = invocation.netns as string; // parseCniInvocation requires it for ADD
  const paths = ctx.programs.paths(config.bpfPinDir);
  for (const path of [paths.fromPod, paths.toPod]) {
    if (!existsSync(path)) {
      throw new CniError(CNI_ERROR_CODES.TRY_AGAIN_LATER, `try again later: the node agent has not loaded the datapath programs (${path} missing)`);
    }
  }
  if (!existsSync(netns)) throw new CniError(CNI_ERROR_CODES.UNKNOWN_CONTAINER, `CNI_NETNS: ${netns} does not exist`);

  step(CNI_ERROR_CODES.INTERFACE_SETUP_FAILED, 'host network (nl_host, ip_forward)', () => ensureHostNetwork(ctx.ip, config.routerIP));

  const ipam = ipamOf(ctx);
  const owner = ipamOwnerOf(ctx);
  const record = ipam.allocate(owner, ctx.now());
  const hostIfname = hostVethName(invocation.containerId, invocation.ifname);
  try {
    const links = step(CNI_ERROR_CODES.INTERFACE_SETUP_FAILED, `veth ${hostIfname} <-> ${invocation.ifname} in ${netns}`, () =>
      createPodNetwork(ctx.ip, {
        netns,
        ifname: invocation.ifname,
        hostIfname,
        podIp: record.ip,
        routerIP: config.routerIP,
        mtu: config.mtu,
        pid: ctx.pid,
      }),
    );
    step(CNI_ERROR_CODES.PROGRAM_ATTACH_FAILED, `attaching the datapath programs to ${hostIfname}`, () =>
      ctx.programs.attach(hostIfname, config.bpfPinDir),
    );
    step(CNI_ERROR_CODES.IO_FAILURE, `writing the endpoint registration in ${config.stateDir}`, () =>
      writeRegistration(config.stateDir, {
        containerId: invocation.containerId,
        ifname: invocation.ifname,
        netns,
        hostIfname,
        hostIfindex: links.host.ifindex,
        ip: record.ip,
        mac: links.podMac,
        hostMac: links.host.mac,
        podNamespace: invocation.args.get('K8S_POD_NAMESPACE') ?? '',
        podName: invocation.args.get('K8S_POD_NAME') ?? '',
        createdAt: ctx.now().toISOString(),
      }),
    );
    return buildAddResult({
      cniVersion: config.cniVersion,
      hostIfname,
      hostMac: links.host.mac,
      ifname: invocation.ifname,
      podMac: links.podMac,
      netns,
      podIp: record.ip,
    });
  } catch (e) {
    rollBack(ctx, hostIfname);
    throw e;
  }
}

// Best effort: each undo runs even when an earlier one fails, and the ADD's own error is what
// the runtime sees.
function rollBack(ctx: PluginContext, hostIfname: string): void {
  const undo = [
    () => ctx.programs.detach(hostIfname),
    () => deleteHostVeth(ctx.ip, hostIfname),
    () => removeRegistration(ctx.config.stateDir, ctx.invocation.containerId, ctx.invocation.ifname),
    () => ipamOf(ctx).release(ipamOwnerOf(ctx)),
  ];
  for (const fn of undo) {
    try {
      fn();
    } catch {
      // See above.
    }
  }
}
