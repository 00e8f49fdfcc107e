import { existsSync } from 'node:fs';
import { CNI_ERROR_CODES, CniError } from '../cni-error.js';
import { cniVersionAtLeast } from '../cni-version.js';
import { attachedProgramsProblem } from '../datapath/attached-programs.js';
import { readRegistration, registrationPath } from '../endpoint-registration.js';
import { hostVethName } from '../host-veth-name.js';
import type { LinkInfo } from '../net/link-info.js';
import { hostLinkInfo } from '../net/link-info.js';
import { POD_GATEWAY } from '../net/pod-network.js';
import { expectationFromPrevResult } from '../prev-result.js';
import { ipamOf, ipamOwnerOf, type PluginContext } from './plugin-context.js';
import { step } from './step.js';

/**
 * CHECK: the IPAM record and the registration agree with prevResult; the host veth is up,
 * routes the pod address and runs the pinned programs; the container interface is up with its
 * address, its routes via 169.254.1.1 and the permanent neighbour entry. The first thing found
 * wrong is the error (codes 110-112), its message naming it.
 */
export function cniCheck(ctx: PluginContext): void {
  const { config, invocation } = ctx;
  if (!cniVersionAtLeast(config.cniVersion, '0.4.0')) {
    throw new CniError(CNI_ERROR_CODES.INCOMPATIBLE_VERSION, `CHECK needs cniVersion 0.4.0 or later, config is ${config.cniVersion}`);
  }
  const expected = expectationFromPrevResult(config.prevResult, invocation.ifname);
  const who = `container ${invocation.containerId} interface ${invocation.ifname}`;

  // State on disk.
  const record = ipamOf(ctx).find(ipamOwnerOf(ctx));
  if (!record) throw stateError(`IPAM: no address allocated to ${who} in ${config.ipamDir}`);
  if (expected?.ip !== undefined && expected.ip !== record.ip) {
    throw stateError(`IPAM: ${who} holds ${record.ip}, prevResult says ${expected.ip}`);
  }
  const reg = readRegistration(config.stateDir, invocation.containerId);
  const regPath = registrationPath(config.stateDir, invocation.containerId);
  if (!reg) throw stateError(`endpoint registration ${regPath}: missing or unreadable`);
  const hostIfname = hostVethName(invocation.containerId, invocation.ifname);
  if (reg.ip !== record.ip || reg.ifname !== invocation.ifname || reg.hostIfname !== hostIfname) {
    throw stateError(`endpoint registration ${regPath}: says ${reg.ip} on ${reg.ifname}/${reg.hostIfname}, expected ${record.ip} on ${invocation.ifname}/${hostIfname}`);
  }

  // Host side.
  const host = hostLinkInfo(hostIfname);
  if (!host) throw hostError(`host veth ${hostIfname}: missing`);
  if (!host.up) throw hostError(`host veth ${hostIfname}: down`);
  if (host.ifindex !== reg.hostIfindex) throw hostError(`host veth ${hostIfname}: ifindex ${host.ifindex}, registration says ${reg.hostIfindex}`);
  const routes = step(CNI_ERROR_CODES.CHECK_HOST_SIDE, 'reading host routes', () => ctx.ip.batchJson([`route show exact ${record.ip}/32`]))[0];
  if (!asList(routes).some((r) => r['dev'] === hostIfname)) throw hostError(`host route ${record.ip}/32 dev ${hostIfname}: missing`);
  if (!ctx.tools.bpftool) throw hostError(`host veth ${hostIfname}: cannot verify its programs, bpftool not found`);
  const bpftool = ctx.tools.bpftool;
  const paths = ctx.programs.paths(config.bpfPinDir);
  const programs = step(CNI_ERROR_CODES.CHECK_HOST_SIDE, `reading the programs of ${hostIfname}`, () => attachedProgramsProblem(bpftool, hostIfname, paths));
  if (programs) throw hostError(programs);

  // Container side.
  const netns = invocation.netns as string; // required for CHECK
  if (!existsSync(netns)) throw new CniError(CNI_ERROR_CODES.UNKNOWN_CONTAINER, `CNI_NETNS: ${netns} does not exist`);
  checkContainerSide(ctx, netns, record.ip, host, expected?.mac);
}

function checkContainerSide(ctx: PluginContext, netns: string, podIp: string, host: LinkInfo, mac: string | undefined): void {
  const ifname = ctx.invocation.ifname;
  const where = `${ifname} in ${netns}`;
  const [addrs, routes, neighs] = step(CNI_ERROR_CODES.CHECK_CONTAINER_SIDE, `container interface ${where}`, () =>
    ctx.ip.batchJson([`address show dev ${ifname}`, `route show dev ${ifname}`, `neigh show dev ${ifname}`], netns),
  );
  const link = asList(addrs)[0];
  if (!link) throw containerError(`container interface ${where}: missing`);
  if (!asStrings(link['flags']).includes('UP')) throw containerError(`container interface ${where}: down`);
  if (mac !== undefined && link['address'] !== mac) throw containerError(`container interface ${where}: MAC ${String(link['address'])}, prevResult says ${mac}`);
  const hasIp = asList(link['addr_info']).some((a) => a['family'] === 'inet' && a['local'] === podIp && a['prefixlen'] === 32);
  if (!hasIp) throw containerError(`container interface ${where}: address ${podIp}/32 missing`);
  const routeList = asList(routes);
  if (!routeList.some((r) => r['dst'] === POD_GATEWAY && r['scope'] === 'link')) throw containerError(`container route ${POD_GATEWAY} dev ${ifname} scope link: missing`);
  if (!routeList.some((r) => r['dst'] === 'default' && r['gateway'] === POD_GATEWAY)) throw containerError(`container default route via ${POD_GATEWAY} dev ${ifname}: missing`);
  const neigh = asList(neighs).find((n) => n['dst'] === POD_GATEWAY);
  if (!neigh || neigh['lladdr'] !== host.mac || !asStrings(neigh['state']).includes('PERMANENT')) {
    throw containerError(`container neighbour ${POD_GATEWAY} lladdr ${host.mac} PERMANENT on ${ifname}: ${neigh ? `found ${String(neigh['lladdr'])} ${asStrings(neigh['state']).join(',')}` : 'missing'}`);
  }
}

function asList(v: unknown): Array<Record<string, unknown>> {
  return Array.isArray(v) ? (v.filter((x) => typeof x === 'object' && x !== null) as Array<Record<string, unknown>>) : [];
}

function asStrings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

function stateError(message: string): CniError {
  return new CniError(CNI_ERROR_CODES.CHECK_STATE, message);
}
function hostError(message: string): CniError {
  return new CniError(CNI_ERROR_CODES.CHECK_HOST_SIDE, message);
}
function containerError(message: string): CniError {
  return new CniError(CNI_ERROR_CODES.CHECK_CONTAINER_SIDE, message);
}
