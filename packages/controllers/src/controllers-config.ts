import { parseArgs } from 'node:util';
import { ConfigError, DataDir, DEFAULT_DATA_DIR } from '@netledger/runtime';

/** The controller manager process's settings, decided once in main. */
export interface ControllersConfig {
  readonly dataDir: DataDir;
  /** Kubeconfig of the cluster to manage. */
  readonly kubeconfig: string;
  readonly statusHost: string;
  readonly statusPort: number;
  readonly exitWithParent: boolean;
}

export const CONTROLLERS_HELP = `netledger controllers: the local stack's controller manager

Runs the Deployment controller (Deployments to pods, no ReplicaSets), a scheduler (pods without
a node go to the Ready node with the fewest pods) and the EndpointSlice controller (Services with
a selector to EndpointSlices <service>-nl) against a Kubernetes API server.

Usage: controllers [flags]

  --kubeconfig PATH    cluster to manage (default: $KUBECONFIG, else DIR/kubeconfig, the local
                       API server's)
  --data-dir DIR       data directory of the local stack (default ${DEFAULT_DATA_DIR})
  --status-host HOST   address of the status endpoint (default 127.0.0.1)
  --status-port PORT   port of the status endpoint (default 0: any free port)
  --exit-with-parent   stop cleanly when the parent process exits (used by netledger up)
  -h, --help           this text`;

/**
 * Parses the flags; `--help` returns undefined (the caller prints CONTROLLERS_HELP).
 * `envKubeconfig` is $KUBECONFIG, read by main: nothing below main reads the environment.
 */
export function parseControllersArgs(argv: readonly string[], envKubeconfig: string | undefined): ControllersConfig | undefined {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      kubeconfig: { type: 'string' },
      'data-dir': { type: 'string' },
      'status-host': { type: 'string' },
      'status-port': { type: 'string' },
      'exit-with-parent': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) return undefined;
  const dataDir = new DataDir(values['data-dir'] ?? DEFAULT_DATA_DIR);
  const rawPort = values['status-port'] ?? '0';
  const statusPort = Number(rawPort);
  if (!Number.isInteger(statusPort) || statusPort < 0 || statusPort > 65535) {
    throw new ConfigError('status-port', `expected an integer from 0 to 65535, got ${JSON.stringify(rawPort)}`);
  }
  const kubeconfig = values.kubeconfig ?? (envKubeconfig || dataDir.kubeconfig);
  if (kubeconfig === '') throw new ConfigError('kubeconfig', 'expected a path, got an empty string');
  return Object.freeze({
    dataDir,
    kubeconfig,
    statusHost: values['status-host'] ?? '127.0.0.1',
    statusPort,
    exitWithParent: values['exit-with-parent'] ?? false,
  });
}
