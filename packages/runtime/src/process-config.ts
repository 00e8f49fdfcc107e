import { parseArgs } from 'node:util';
import { readNatsCredentials } from '@netledger/bus';
import { isServiceName, type NatsCredentials, type ServiceName } from '@netledger/contracts';
import { ConfigError } from './config-error.js';
import { DataDir, DEFAULT_DATA_DIR } from './data-dir.js';
import { parseStorage, type StorageConfig } from './storage-config.js';

/** Configuration shared by every long-running netledger process, parsed once in its main. */
export interface ProcessConfig {
  readonly dataDir: DataDir;
  readonly natsServers: readonly string[];
  /** Who to connect to NATS as (--nats-credentials); undefined for a server without authorization. */
  readonly natsCredentials: NatsCredentials | undefined;
  readonly statusHost: string;
  readonly statusPort: number;
  /** Stop when the parent process goes away (set by `netledger up` for its children). */
  readonly exitWithParent: boolean;
}

export interface ServiceConfig extends ProcessConfig {
  readonly service: ServiceName;
  readonly storage: StorageConfig;
  /** Snapshot the service's projection every N events (bounded restart time). */
  readonly snapshotEvery: number;
  /** Kubeconfig of the cluster to watch; undefined = in-cluster config or $KUBECONFIG (read in main). */
  readonly kubeconfig: string | undefined;
}

/** How the agent reaches its datapath: kernel maps, the in-memory fake, or kernel maps when it can. */
export type DatapathMode = 'auto' | 'bpf' | 'memory';

export interface AgentConfig extends ProcessConfig {
  readonly nodeName: string;
  readonly services: readonly ServiceName[];
  readonly datapath: DatapathMode;
  /** Where the node's maps are pinned (bpffs). */
  readonly bpfPinDir: string;
  /** Where the CNI plugin registers the node's endpoints (its config's stateDir). */
  readonly cniStateDir: string;
  /** The compiled datapath programs; undefined = the repository's bpf/build/netledger.o. */
  readonly bpfObject: string | undefined;
  /** cgroup v2 directory for the host's socket programs; undefined = found at start. */
  readonly cgroupRoot: string | undefined;
  /** Load and attach the datapath programs (off: maps only, e.g. tests of the map writer). */
  readonly bpfPrograms: boolean;
}

/** Where the CNI plugin registers endpoints unless the agent is told otherwise. */
export const DEFAULT_CNI_STATE_DIR = '/run/netledger/cni';

/** Pin directory of a node's maps: one per node, so several agents can share a machine. */
export function defaultPinDir(nodeName: string): string {
  return `/sys/fs/bpf/netledger/${nodeName}`;
}

export const PROCESS_FLAGS_HELP = `  --data-dir DIR       data directory (default ${DEFAULT_DATA_DIR})
  --nats URL[,URL]     NATS servers (default nats://127.0.0.1:4222)
  --nats-credentials FILE  NATS credentials file (docs/security.md; netledger up writes
                       DATA-DIR/credentials/<user>.json); without it, connect anonymously
  --status-host HOST   address of the status endpoint (default 127.0.0.1)
  --status-port PORT   port of the status endpoint (default 0: any free port)
  --exit-with-parent   stop cleanly when the parent process exits (used by netledger up)`;

const common = {
  'data-dir': { type: 'string' },
  nats: { type: 'string' },
  'nats-credentials': { type: 'string' },
  'status-host': { type: 'string' },
  'status-port': { type: 'string' },
  'exit-with-parent': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

function parseCommon(values: {
  'data-dir'?: string;
  nats?: string;
  'nats-credentials'?: string;
  'status-host'?: string;
  'status-port'?: string;
  'exit-with-parent'?: boolean;
}): ProcessConfig {
  const natsServers = (values.nats ?? 'nats://127.0.0.1:4222').split(',').map((s) => s.trim()).filter(Boolean);
  for (const s of natsServers) {
    if (!/^(nats|tls|ws|wss):\/\/[^\s]+$/.test(s) && !/^[\w.-]+:\d+$/.test(s)) throw new ConfigError('nats', `not a NATS URL: ${s}`);
  }
  return {
    dataDir: new DataDir(values['data-dir'] ?? DEFAULT_DATA_DIR),
    natsServers,
    natsCredentials: parseNatsCredentialsFlag(values['nats-credentials']),
    statusHost: values['status-host'] ?? '127.0.0.1',
    statusPort: parseInteger('status-port', values['status-port'] ?? '0', 0, 65535),
    exitWithParent: values['exit-with-parent'] ?? false,
  };
}

/** Parses a service binary's flags; `--help` returns undefined after printing usage. */
export function parseServiceArgs(service: ServiceName, argv: readonly string[]): ServiceConfig | undefined {
  const { values } = parseArgs({
    args: [...argv],
    options: { ...common, db: { type: 'string' }, 'snapshot-every': { type: 'string' }, kubeconfig: { type: 'string' } },
    strict: true,
  });
  if (values.help) {
    console.log(`netledger ${service} service\n\nUsage: ${service}-service [flags]\n\n${PROCESS_FLAGS_HELP}
  --db sqlite|sqlite:PATH|postgres://...   event log storage (default: sqlite file in the data dir)
  --snapshot-every N   snapshot the projection every N events (default 1000)
  --kubeconfig PATH    cluster to watch (default: $KUBECONFIG, else in-cluster config)`);
    return undefined;
  }
  const base = parseCommon(values);
  return Object.freeze({
    ...base,
    service,
    storage: parseStorage(values.db, service, base.dataDir),
    snapshotEvery: parseInteger('snapshot-every', values['snapshot-every'] ?? '1000', 0, 10_000_000),
    kubeconfig: values.kubeconfig,
  });
}

/** Parses the node agent's flags; `--help` returns undefined after printing usage. */
export function parseAgentArgs(argv: readonly string[], hostname: string): AgentConfig | undefined {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      ...common,
      node: { type: 'string' },
      services: { type: 'string' },
      datapath: { type: 'string' },
      'bpf-pin-dir': { type: 'string' },
      'cni-state-dir': { type: 'string' },
      'bpf-object': { type: 'string' },
      'cgroup-root': { type: 'string' },
      'bpf-programs': { type: 'string' },
    },
    strict: true,
  });
  if (values.help) {
    console.log(`netledger node agent\n\nUsage: node-agent [flags]\n\n${PROCESS_FLAGS_HELP}
  --node NAME          this node's name (default: the host name)
  --services LIST      services to follow (default identity,policy,lb)
  --datapath MODE      auto (kernel maps when they can be created, else in-memory, said loudly),
                       bpf (kernel maps or fail), memory (in-memory maps: no datapath) (default auto)
  --bpf-pin-dir DIR    where the node's maps and programs are pinned (default /sys/fs/bpf/netledger/<node>)
  --cni-state-dir DIR  where netledger-cni registers this node's endpoints (default ${DEFAULT_CNI_STATE_DIR})
  --bpf-object FILE    the compiled datapath programs (default: bpf/build/netledger.o of this checkout)
  --cgroup-root DIR    cgroup v2 directory for host-reachable services (default: the first cgroup2
                       mount in /proc/mounts, /sys/fs/cgroup/unified on hybrid systems)
  --bpf-programs on|off  load the datapath programs and attach the host's socket programs when the
                       maps are kernel maps (default on; off: program the maps only)`);
    return undefined;
  }
  const services = (values.services ?? 'identity,policy,lb').split(',').map((s) => s.trim());
  for (const s of services) if (!isServiceName(s)) throw new ConfigError('services', `unknown service ${s} (identity, policy, lb)`);
  const nodeName = values.node ?? hostname;
  if (!/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(nodeName)) throw new ConfigError('node', `${nodeName} is not a valid node name (DNS-1123)`);
  const datapath = values.datapath ?? 'auto';
  if (datapath !== 'auto' && datapath !== 'bpf' && datapath !== 'memory') throw new ConfigError('datapath', `expected auto, bpf or memory, got ${JSON.stringify(datapath)}`);
  const bpfPinDir = values['bpf-pin-dir'] ?? defaultPinDir(nodeName);
  if (!bpfPinDir.startsWith('/')) throw new ConfigError('bpf-pin-dir', `expected an absolute path, got ${JSON.stringify(bpfPinDir)}`);
  const cniStateDir = absolutePath('cni-state-dir', values['cni-state-dir'] ?? DEFAULT_CNI_STATE_DIR);
  const bpfObject = values['bpf-object'] === undefined ? undefined : absolutePath('bpf-object', values['bpf-object']);
  const cgroupRoot = values['cgroup-root'] === undefined ? undefined : absolutePath('cgroup-root', values['cgroup-root']);
  const programs = values['bpf-programs'] ?? 'on';
  if (programs !== 'on' && programs !== 'off') throw new ConfigError('bpf-programs', `expected on or off, got ${JSON.stringify(programs)}`);
  return Object.freeze({
    ...parseCommon(values),
    nodeName,
    services: services as ServiceName[],
    datapath,
    bpfPinDir,
    cniStateDir,
    bpfObject,
    cgroupRoot,
    bpfPrograms: programs === 'on',
  });
}

function absolutePath(flag: string, raw: string): string {
  if (!raw.startsWith('/')) throw new ConfigError(flag, `expected an absolute path, got ${JSON.stringify(raw)}`);
  return raw;
}

function parseInteger(flag: string, raw: string, min: number, max: number): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new ConfigError(flag, `expected an integer from ${min} to ${max}, got ${JSON.stringify(raw)}`);
  return n;
}

/** Reads the --nats-credentials file once, at the edge: a bad file is a ConfigError naming the field. */
export function parseNatsCredentialsFlag(file: string | undefined, flag = 'nats-credentials'): NatsCredentials | undefined {
  if (file === undefined) return undefined;
  try {
    return readNatsCredentials(file);
  } catch (e) {
    throw new ConfigError(flag, (e as Error).message);
  }
}
