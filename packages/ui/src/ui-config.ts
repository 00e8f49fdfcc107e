import { parseArgs } from 'node:util';
import type { NatsCredentials } from '@netledger/contracts';
import { ConfigError, DataDir, DEFAULT_DATA_DIR, parseNatsCredentialsFlag } from '@netledger/runtime';

/** The UI process's settings, decided once in main. */
export interface UiConfig {
  readonly dataDir: DataDir;
  /** NATS servers; undefined = the stack file's NATS URL (read when the process starts). */
  readonly natsServers: readonly string[] | undefined;
  /** Who to connect as (an observer: events and flows); undefined for a server without authorization. */
  readonly natsCredentials: NatsCredentials | undefined;
  /** Kubeconfig of the cluster whose workloads and services the map shows. */
  readonly kubeconfig: string;
  /** Address and port of the web app (0 = any free port). */
  readonly host: string;
  readonly port: number;
  readonly exitWithParent: boolean;
}

export const UI_HELP = `netledger ui: the web UI of a running stack

Serves a single-page app with the service map (workloads and services grouped by namespace,
observed flows as edges coloured by verdict), a live flow table with observe's filters, the
policies in force per namespace and the event history of any object, and its JSON/SSE APIs
(docs/ui.md). Its status endpoint (/healthz, /status with the app's URL, /metrics) is listed
in the data dir's run files as component ui.

Usage: ui [flags]

  --data-dir DIR       data directory of the local stack (default ${DEFAULT_DATA_DIR})
  --nats URL[,URL]     NATS servers the agents publish flows on (default: the stack file's)
  --nats-credentials FILE  NATS credentials file, an observer's (docs/security.md)
  --kubeconfig PATH    cluster to show (default: $KUBECONFIG, else DIR/kubeconfig, the local
                       API server's)
  --host HOST          address of the web app (default 127.0.0.1)
  --port PORT          port of the web app (default 0: any free port)
  --exit-with-parent   stop cleanly when the parent process exits (used by netledger up)
  -h, --help           this text`;

/**
 * Parses the flags; `--help` returns undefined (the caller prints UI_HELP).
 * `envKubeconfig` is $KUBECONFIG, read by main: nothing below main reads the environment.
 */
export function parseUiArgs(argv: readonly string[], envKubeconfig: string | undefined): UiConfig | undefined {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      'data-dir': { type: 'string' },
      nats: { type: 'string' },
      'nats-credentials': { type: 'string' },
      kubeconfig: { type: 'string' },
      host: { type: 'string' },
      port: { type: 'string' },
      'exit-with-parent': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) return undefined;
  const dataDir = new DataDir(values['data-dir'] ?? DEFAULT_DATA_DIR);
  const rawPort = values.port ?? '0';
  const port = Number(rawPort);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ConfigError('port', `expected an integer from 0 to 65535, got ${JSON.stringify(rawPort)}`);
  const host = values.host ?? '127.0.0.1';
  if (host === '') throw new ConfigError('host', 'expected an address, got an empty string');
  const kubeconfig = values.kubeconfig ?? (envKubeconfig || dataDir.kubeconfig);
  if (kubeconfig === '') throw new ConfigError('kubeconfig', 'expected a path, got an empty string');
  return Object.freeze({
    dataDir,
    natsServers: values.nats === undefined ? undefined : parseNatsServers(values.nats),
    natsCredentials: parseNatsCredentialsFlag(values['nats-credentials']),
    kubeconfig,
    host,
    port,
    exitWithParent: values['exit-with-parent'] ?? false,
  });
}

function parseNatsServers(raw: string): readonly string[] {
  const servers = raw.split(',').map((s) => s.trim()).filter(Boolean);
  if (servers.length === 0) throw new ConfigError('nats', 'expected one or more NATS URLs, got an empty string');
  for (const s of servers) {
    if (!/^(nats|tls|ws|wss):\/\/[^\s]+$/.test(s) && !/^[\w.-]+:\d+$/.test(s)) throw new ConfigError('nats', `not a NATS URL: ${s}`);
  }
  return servers;
}
