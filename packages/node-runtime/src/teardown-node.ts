import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { HOST_DEVICE } from '@netledger/cni';
import { DataDir } from '@netledger/runtime';
import { readCniNetworkConfig } from './cni-network-config.js';
import { CniPluginRunner, type CniCall } from './cni-plugin-runner.js';
import { stopContainerProcess } from './container-process.js';
import { deleteNetns, netnsExists, netnsNameOf, netnsPath, POD_NETNS_PREFIX } from './netns.js';
import { podCniCall, POD_IFNAME } from './pod-cni-call.js';
import { DEFAULT_CNI_PLUGIN } from './runtime-config.js';
import { RuntimeLayout } from './runtime-layout.js';
import { execCommand } from './run-command.js';
import { loadRuntimeState, saveRuntimeState, type PodRecord } from './runtime-state-file.js';
import { ipCommand } from './ip-command.js';

export interface TeardownNodeOptions {
  /** The stack's data dir (the runtime's files are under agents/<node>/runtime). */
  readonly dataDir: string | DataDir;
  readonly node: string;
  /** Default: netledger-cni of this checkout. */
  readonly cniPlugin?: string;
  /** Default: the config the runtime wrote (agents/<node>/runtime/netledger-cni.conf). */
  readonly cniConfig?: string;
  /** Told each pod removed and each failure, as it happens. */
  readonly log?: (message: string) => void;
}

/** What `teardownNode` removed, and what it could not (the state file keeps those). */
export interface TeardownReport {
  /** `namespace/name` of every pod torn down. */
  readonly pods: readonly string[];
  readonly errors: readonly string[];
}

/**
 * Removes every pod a node's runtime set up: kills their processes, CNI DELs them (releasing
 * addresses and endpoint registrations) and deletes their network namespaces, then endpoints the
 * plugin still registers in its stateDir, and finally the node's router address on the host
 * device. For `netledger down` and tests; the runtime must be
 * stopped first or it sets the pods up again. A pod whose DEL fails stays in the state file.
 */
export async function teardownNode(options: TeardownNodeOptions): Promise<TeardownReport> {
  const layout = new RuntimeLayout(typeof options.dataDir === 'string' ? new DataDir(options.dataDir) : options.dataDir, options.node);
  const log = options.log ?? (() => undefined);
  const errors: string[] = [];
  const pods: string[] = [];
  const failed = (message: string): void => {
    errors.push(message);
    log(message);
  };
  const removed = (pod: string): void => {
    pods.push(pod);
    log(`removed pod ${pod}`);
  };
  let records: Map<string, PodRecord>;
  try {
    records = loadRuntimeState(layout.stateFile);
  } catch (e) {
    failed((e as Error).message);
    records = new Map();
  }
  const configPath = options.cniConfig ?? layout.cniConfigFile;
  let cni: CniPluginRunner | undefined;
  let stateDir: string | undefined;
  let routerIp: string | undefined;
  if (existsSync(configPath)) {
    try {
      const config = readCniNetworkConfig(configPath);
      stateDir = config.stateDir;
      routerIp = config.routerIP;
      cni = new CniPluginRunner({ pluginPath: options.cniPlugin ?? DEFAULT_CNI_PLUGIN, config });
    } catch (e) {
      failed(`${(e as Error).message}: pods are removed without CNI DEL`);
    }
  }

  const del = async (call: CniCall, what: string): Promise<boolean> => {
    if (!cni) return true;
    try {
      await cni.del(call);
      return true;
    } catch (e) {
      failed(`${what}: ${(e as Error).message}`);
      return false;
    }
  };

  const kept: PodRecord[] = [];
  for (const record of records.values()) {
    await Promise.all(record.containers.map((c) => stopContainerProcess(c.pid, c.startTime)));
    if (record.netns !== undefined) {
      const exists = netnsExists(record.netns);
      if (!(await del(podCniCall(record, exists ? netnsPath(record.netns) : undefined), `pod ${record.namespace}/${record.name}`))) {
        kept.push(record);
        continue;
      }
      await deleteNetns(record.netns).catch((e: unknown) => failed((e as Error).message));
    }
    rmSync(layout.podLogDir(record.uid), { recursive: true, force: true });
    removed(`${record.namespace}/${record.name}`);
  }

  // Registrations the state file does not know (a runtime that crashed between ADD and saving).
  for (const endpoint of readEndpoints(stateDir)) {
    if (records.has(endpoint.containerId)) continue;
    const netnsName = endpoint.netns ? netnsNameOf(endpoint.netns) : undefined;
    const exists = netnsName !== undefined && netnsExists(netnsName);
    const call: CniCall = { containerId: endpoint.containerId, netns: exists ? netnsPath(netnsName) : undefined, ifname: endpoint.ifname ?? POD_IFNAME, args: { IgnoreUnknown: '1' } };
    if (!(await del(call, `endpoint ${endpoint.containerId}`))) continue;
    if (exists && netnsName.startsWith(POD_NETNS_PREFIX)) await deleteNetns(netnsName).catch((e: unknown) => failed((e as Error).message));
    removed(`${endpoint.podNamespace || '?'}/${endpoint.podName || endpoint.containerId}`);
  }

  if (kept.length > 0) {
    saveRuntimeState(layout.stateFile, kept);
  } else {
    rmSync(layout.stateFile, { force: true });
    // The plugin put the node's router address on the shared host device; no pod of this node needs it now.
    if (routerIp !== undefined) await execCommand(ipCommand(), ['addr', 'del', `${routerIp}/32`, 'dev', HOST_DEVICE]);
  }
  return { pods, errors };
}

interface EndpointFile {
  readonly containerId: string;
  readonly ifname?: string;
  readonly netns?: string;
  readonly podNamespace?: string;
  readonly podName?: string;
}

function readEndpoints(stateDir: string | undefined): EndpointFile[] {
  if (stateDir === undefined) return [];
  const dir = join(stateDir, 'endpoints');
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith('.json'));
  } catch {
    return [];
  }
  const out: EndpointFile[] = [];
  for (const n of names) {
    try {
      const e = JSON.parse(readFileSync(join(dir, n), 'utf8')) as EndpointFile;
      if (typeof e.containerId === 'string') out.push(e);
    } catch {
      // Half written by a plugin that died: its DEL has nothing to find either.
    }
  }
  return out;
}
