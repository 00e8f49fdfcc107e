import { CNI_ERROR_CODES } from '../cni-error.js';
import { removeRegistration } from '../endpoint-registration.js';
import { hostVethName } from '../host-veth-name.js';
import { deleteHostVeth } from '../net/pod-network.js';
import { ipamOf, ipamOwnerOf, type PluginContext } from './plugin-context.js';
import { step } from './step.js';

/**
 * DEL: detaches the programs, deletes the veth pair (its host route goes with the device),
 * releases the address and removes the registration. Idempotent: whatever is already gone
 * (netns, veth, address, registration) is success, as the spec asks.
 */
export function cniDel(ctx: PluginContext): void {
  const { config, invocation } = ctx;
  const hostIfname = hostVethName(invocation.containerId, invocation.ifname);
  try {
    ctx.programs.detach(hostIfname);
  } catch {
    // Deleting the device below removes its filters anyway.
  }
  step(CNI_ERROR_CODES.INTERFACE_SETUP_FAILED, `deleting host veth ${hostIfname}`, () => deleteHostVeth(ctx.ip, hostIfname));
  step(CNI_ERROR_CODES.IO_FAILURE, `releasing the address in ${config.ipamDir}`, () => ipamOf(ctx).release(ipamOwnerOf(ctx)));
  step(CNI_ERROR_CODES.IO_FAILURE, `removing the endpoint registration in ${config.stateDir}`, () =>
    removeRegistration(config.stateDir, invocation.containerId, invocation.ifname),
  );
}
