import { parseArgs } from 'node:util';
import { CNI_PLUGIN_PATH } from '@netledger/cni';
import { ConfigError, DataDir, DEFAULT_DATA_DIR, defaultPinDir } from '@netledger/runtime';
import { firstHostAddress, parseIpv4, parseIpv4Cidr } from './ipv4-cidr.js';

/** netledger-cni of this checkout (runs its TypeScript through tsx). */
export const DEFAULT_CNI_PLUGIN = CNI_PLUGIN_PATH;

export const DEFAULT_POD_CIDR = '10.200.0.0/24';

/** The runtime process's settings, parsed once in its main. */
export interface NodeRuntimeConfig {
  readonly dataDir: DataDir;
  readonly nodeName: string;
  /** Undefined: $KUBECONFIG, else the data dir's kubeconfig (read in main). */
  readonly kubeconfig: string | undefined;
  readonly cniPlugin: string;
  /** A network config file to use (written from the flags below when absent); undefined = the runtime's own. */
  readonly cniConfig: string | undefined;
  readonly podCidr: string;
  /** Undefined: the first host address of the pod CIDR. */
  readonly routerIp: string | undefined;
  readonly bpfPinDir: string;
  /** Undefined: the router IP. */
  readonly nodeIp: string | undefined;
  readonly mtu: number;
  readonly statusHost: string;
  readonly statusPort: number;
  readonly exitWithParent: boolean;
}

export const RUNTIME_FLAGS_HELP = `netledger node runtime: plays kubelet for one node (pods as network namespaces, CNI, built-in images)

Usage: node-runtime [flags]

  --node NAME          this node's name (default: the host name)
  --kubeconfig PATH    API server (default: $KUBECONFIG, else <data-dir>/kubeconfig)
  --data-dir DIR       data directory (default ${DEFAULT_DATA_DIR}); the runtime's files are in agents/<node>/runtime
  --cni-plugin PATH    CNI plugin executable (default: packages/cni/bin/netledger-cni of this checkout)
  --cni-config FILE    CNI network config; written from the flags below when absent
                       (default: agents/<node>/runtime/netledger-cni.conf, rewritten at each start)
  --pod-cidr CIDR      the node's pod CIDR (default ${DEFAULT_POD_CIDR})
  --router-ip IP       the node's address on the pod network (default: first host address of the pod CIDR)
  --bpf-pin-dir DIR    where the node agent pins the datapath (default /sys/fs/bpf/netledger/<node>)
  --node-ip IP         the Node's InternalIP and the pods' hostIP (default: the router IP)
  --mtu N              pod interface MTU (default 1500)
  --status-host HOST   address of the status endpoint (default 127.0.0.1)
  --status-port PORT   port of the status endpoint (default 0: any free port)
  --exit-with-parent   stop when the parent process exits (used by netledger up)
  -h, --help           this text`;

/** Parses the runtime's flags; `--help` prints usage and returns undefined. */
export function parseRuntimeArgs(argv: readonly string[], hostname: string): NodeRuntimeConfig | undefined {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      node: { type: 'string' },
      kubeconfig: { type: 'string' },
      'data-dir': { type: 'string' },
      'cni-plugin': { type: 'string' },
      'cni-config': { type: 'string' },
      'pod-cidr': { type: 'string' },
      'router-ip': { type: 'string' },
      'bpf-pin-dir': { type: 'string' },
      'node-ip': { type: 'string' },
      mtu: { type: 'string' },
      'status-host': { type: 'string' },
      'status-port': { type: 'string' },
      'exit-with-parent': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    console.log(RUNTIME_FLAGS_HELP);
    return undefined;
  }
  const nodeName = values.node ?? hostname;
  if (!/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(nodeName)) throw new ConfigError('node', `${nodeName} is not a valid node name (DNS-1123)`);
  const podCidr = values['pod-cidr'] ?? DEFAULT_POD_CIDR;
  const cidr = parseIpv4Cidr(podCidr);
  if (!cidr || cidr.prefixLength > 30) throw new ConfigError('pod-cidr', `expected an IPv4 prefix of at most /30 without host bits, got ${JSON.stringify(podCidr)}`);
  const routerIp = optionalIp('router-ip', values['router-ip']);
  const bpfPinDir = absolute('bpf-pin-dir', values['bpf-pin-dir'] ?? defaultPinDir(nodeName));
  return Object.freeze({
    dataDir: new DataDir(values['data-dir'] ?? DEFAULT_DATA_DIR),
    nodeName,
    kubeconfig: values.kubeconfig,
    cniPlugin: values['cni-plugin'] ?? DEFAULT_CNI_PLUGIN,
    cniConfig: values['cni-config'],
    podCidr,
    routerIp,
    bpfPinDir,
    nodeIp: optionalIp('node-ip', values['node-ip']),
    mtu: integer('mtu', values.mtu ?? '1500', 68, 65535),
    statusHost: values['status-host'] ?? '127.0.0.1',
    statusPort: integer('status-port', values['status-port'] ?? '0', 0, 65535),
    exitWithParent: values['exit-with-parent'] ?? false,
  });
}

/** The router IP the flags give, or the pod CIDR's first host address. */
export function routerIpOf(config: Pick<NodeRuntimeConfig, 'podCidr' | 'routerIp'>): string {
  const cidr = parseIpv4Cidr(config.podCidr);
  if (!cidr) throw new ConfigError('pod-cidr', `not an IPv4 prefix: ${config.podCidr}`);
  return config.routerIp ?? firstHostAddress(cidr);
}

function optionalIp(flag: string, raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  if (parseIpv4(raw) === undefined) throw new ConfigError(flag, `expected an IPv4 address, got ${JSON.stringify(raw)}`);
  return raw;
}

function absolute(flag: string, raw: string): string {
  if (!raw.startsWith('/')) throw new ConfigError(flag, `expected an absolute path, got ${JSON.stringify(raw)}`);
  return raw;
}

function integer(flag: string, raw: string, min: number, max: number): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new ConfigError(flag, `expected an integer from ${min} to ${max}, got ${JSON.stringify(raw)}`);
  return n;
}
