import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SERVICE_NAMES, type ServiceName } from '@netledger/contracts';
import { NatsServerProcess, provisionNatsCredentials, stackNatsUsers } from '@netledger/bus';
import { defaultPinDir, fetchStatus, isAlive, onShutdown, readRunFiles, writeRunFile, type DataDir } from '@netledger/runtime';
import { CliError } from '../cli-error.js';
import { table } from '../output.js';
import { applyDemoCluster } from '../demo-cluster.js';
import { runConnectivityCheck } from '../connectivity/run-connectivity.js';
import { readStackFile, writeStackFile } from '../stack-file.js';
import { Supervisor } from '../supervisor.js';
import { waitHealthy } from '../wait-healthy.js';

export interface UpOptions {
  readonly dataDir: DataDir;
  readonly detach: boolean;
  readonly demo: boolean;
  readonly natsPort: number;
  readonly apiServerPort: number;
  readonly db: string | undefined;
  readonly node: string;
  /** Where the agent pins the node's BPF maps (default /sys/fs/bpf/netledger/<node>). */
  readonly bpfPinDir: string | undefined;
  /** The node's pod CIDR (the CNI plugin's IPAM range; its first address is the node's router address). */
  readonly podCidr: string;
  /** ClusterIP range of the local API server; undefined = its default, 10.96.0.0/12. */
  readonly serviceCidr: string | undefined;
  /** Port of the web UI (a free one when taken). */
  readonly uiPort: number;
  /** Run `connectivity test` once the stack is up. */
  readonly connectivityCheck: boolean;
  /** argv to re-run in the background for --detach. */
  readonly argv: readonly string[];
}

export const UP_HELP = `Usage: netledger up [--data-dir DIR] [--detach] [--no-demo] [--nats-port PORT] [--apiserver-port PORT]
                    [--db URL] [--node NAME] [--bpf-pin-dir DIR] [--pod-cidr CIDR]
                    [--no-connectivity-check] [--ui-port PORT] [--service-cidr CIDR]

Runs the local stack: a nats-server with JetStream (store in DIR/nats; one NATS user per
component with least privilege, credentials in DIR/credentials, docs/security.md), a local Kubernetes API
server (objects in DIR/apiserver.db, kubeconfig in DIR/kubeconfig), the identity, policy and
lb services (event logs in DIR/<service>/events.db, or PostgreSQL with --db postgres://...),
the controller manager (Deployments, scheduling, EndpointSlices), one node agent (it loads the
datapath programs) and, as root, the node runtime, which runs each pod as a network namespace
wired by netledger-cni. Then it applies the demo cluster and runs the connectivity check.
Prints what runs where; Ctrl-C (or netledger down) stops everything and removes the pods
(the BPF maps stay pinned).

  --detach          run in the background and return once the stack is healthy
  --no-demo         start without the demo cluster
  --nats-port PORT  client port of nats-server (default 4222; a free port if 4222 is taken)
  --apiserver-port PORT  port of the local Kubernetes API server (default 6443; a free port if taken)
  --db URL          storage of the services' event logs: sqlite (default) or postgres://...
  --node NAME       name of the local node (default: the host name)
  --bpf-pin-dir DIR where the node agent pins its BPF maps (default /sys/fs/bpf/netledger/<node>);
                    they stay after the stack stops, so a restart reconciles them without a flush
  --pod-cidr CIDR   the node's pod addresses (default 10.200.0.0/24; the first is the router)
  --no-connectivity-check  do not run netledger connectivity test once the stack is up
  --ui-port PORT    port of the web UI (default 12000; a free port if taken)
  --service-cidr CIDR  ClusterIP range (default 10.96.0.0/12); stacks sharing a machine need
                    ranges of their own, since every stack's host socket programs see every
                    connection the host makes`;

const START_TIMEOUT_MS = 60_000;
const DETACH_TIMEOUT_MS = 300_000;

export function defaultNodeName(): string {
  const h = hostname().toLowerCase().replace(/[^a-z0-9.-]/g, '-').replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '');
  return h || 'node-1';
}

export async function up(options: UpOptions): Promise<number> {
  const { dataDir } = options;
  const existing = runningSupervisor(dataDir);
  if (existing) throw new CliError(`a stack already runs from ${dataDir.root} (pid ${existing}); run netledger down --data-dir ${dataDir.root} first`);
  return options.detach ? detach(options) : runForeground(options);
}

/** Pid of a live supervisor for this data dir, if any. */
export function runningSupervisor(dataDir: DataDir): number | undefined {
  if (!existsSync(dataDir.supervisorPidFile)) return undefined;
  const pid = Number(readFileSync(dataDir.supervisorPidFile, 'utf8').trim());
  return Number.isInteger(pid) && pid > 0 && isAlive(pid) ? pid : undefined;
}

async function detach(options: UpOptions): Promise<number> {
  mkdirSync(options.dataDir.logs, { recursive: true });
  const logFile = options.dataDir.logFile('up');
  const out = openSync(logFile, 'a');
  const args = [...process.execArgv, process.argv[1]!, ...options.argv.filter((a) => a !== '--detach' && a !== '-d')];
  const child = spawn(process.execPath, args, { detached: true, stdio: ['ignore', out, out] });
  child.unref();
  // Generous: every component starts in turn, then the demo and the connectivity check run.
  const deadline = Date.now() + DETACH_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new CliError(`the stack failed to start (exit code ${child.exitCode}); see ${logFile}`);
    const stack = readStackFile(options.dataDir);
    if (stack && stack.supervisorPid === child.pid && existsSync(`${options.dataDir.root}/run/ready`)) {
      process.stdout.write(readFileSync(`${options.dataDir.root}/run/ready`, 'utf8'));
      process.stdout.write(`\nRunning in the background (pid ${child.pid}, log ${logFile}). Stop with: netledger down --data-dir ${options.dataDir.root}\n`);
      return 0;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new CliError(`the stack did not become healthy in time; see ${logFile}`);
}

async function runForeground(options: UpOptions): Promise<number> {
  const { dataDir } = options;
  mkdirSync(dataDir.run, { recursive: true });
  mkdirSync(dataDir.logs, { recursive: true });
  writeFileSync(dataDir.supervisorPidFile, String(process.pid));
  rmSync(`${dataDir.run}/ready`, { force: true });
  const log = (m: string): void => void process.stderr.write(`${new Date().toISOString()} up: ${m}\n`);
  const tsxLoader = import.meta.resolve('tsx');
  const supervisor = new Supervisor(dataDir, tsxLoader, log);
  let nats: NatsServerProcess | undefined;

  const stop = async (): Promise<void> => {
    log('stopping: node runtime, node agent, controllers, services, API server, then nats-server');
    rmSync(`${dataDir.run}/ready`, { force: true });
    await supervisor.stopAll();
    if (canRunPods()) await teardownLocalNode(dataDir, options, log);
    await nats?.stop();
    rmSync(dataDir.supervisorPidFile, { force: true });
    rmSync(dataDir.runFile('nats'), { force: true });
    log('stopped');
  };
  onShutdown(stop, { log });

  try {
    const port = (await portIsFree(options.natsPort)) ? options.natsPort : 0;
    if (port !== options.natsPort) log(`port ${options.natsPort} is taken: nats-server gets a free port`);
    // Every component connects as its own NATS user with the least it needs (docs/security.md);
    // keys made by an earlier run are kept, so credentials handed to subscribers stay valid.
    const creds = provisionNatsCredentials({ dir: dataDir.credentials, users: stackNatsUsers([options.node]), serverConfigFile: dataDir.natsAuthConfig, jetStreamStoreDir: dataDir.natsStore });
    const credentialsOf = (user: string): string[] => ['--nats-credentials', creds.files.get(user)!];
    nats = await NatsServerProcess.start({ storeDir: dataDir.natsStore, port, monitorPort: 0, logFile: dataDir.logFile('nats'), configFile: creds.serverConfigFile });
    writeRunFile(dataDir, { component: 'nats', kind: 'nats', pid: nats.pid, statusUrl: nats.monitorUrl, startedAt: new Date().toISOString() });

    const apiPort = (await portIsFree(options.apiServerPort)) ? options.apiServerPort : await freePort();
    if (apiPort !== options.apiServerPort) log(`port ${options.apiServerPort} is taken: the API server gets port ${apiPort}`);
    const apiserver = supervisor.start({
      name: 'apiserver',
      script: fileURLToPath(new URL('../apiserver-main.ts', import.meta.url)),
      args: ['--data-dir', dataDir.root, '--port', String(apiPort), ...(options.serviceCidr ? ['--service-cidr', options.serviceCidr] : [])],
    });
    if (!(await waitHealthy(dataDir, 'apiserver', apiserver.pid, START_TIMEOUT_MS))) {
      throw new CliError(`the API server did not become healthy within ${START_TIMEOUT_MS / 1000} s; see ${dataDir.logFile('apiserver')}`);
    }

    const services = Object.fromEntries(SERVICE_NAMES.map((s) => [s, options.db ?? `sqlite:${dataDir.serviceDb(s)}`])) as Record<ServiceName, string>;
    const pinDir = options.bpfPinDir ?? defaultPinDir(options.node);
    writeStackFile(dataDir, {
      version: 1,
      supervisorPid: process.pid,
      startedAt: new Date().toISOString(),
      natsUrl: nats.url,
      natsMonitorUrl: nats.monitorUrl,
      apiServerUrl: `http://127.0.0.1:${apiPort}`,
      kubeconfig: dataDir.kubeconfig,
      services,
      nodes: [options.node],
      bpfPinDirs: { [options.node]: pinDir },
    });
    const common = ['--data-dir', dataDir.root, '--nats', nats.url];
    const uiPort = (await portIsFree(options.uiPort)) ? options.uiPort : 0;
    if (uiPort !== options.uiPort) log(`port ${options.uiPort} is taken: the web UI gets a free port`);
    const specs = [
      ...SERVICE_NAMES.map((s) => ({
        name: s,
        script: fileURLToPath(import.meta.resolve(`@netledger/${s}-service/main`)),
        args: [...common, ...credentialsOf(s), '--db', services[s], '--kubeconfig', dataDir.kubeconfig],
      })),
      {
        name: 'controllers',
        script: fileURLToPath(import.meta.resolve('@netledger/controllers/main')),
        args: ['--data-dir', dataDir.root, '--kubeconfig', dataDir.kubeconfig],
      },
      {
        name: `agent-${options.node}`,
        script: fileURLToPath(import.meta.resolve('@netledger/node-agent/main')),
        args: [...common, ...credentialsOf(`agent-${options.node}`), '--node', options.node, '--bpf-pin-dir', pinDir, '--cni-state-dir', cniStateDir(dataDir, options.node)],
      },
      {
        name: 'ui',
        script: fileURLToPath(import.meta.resolve('@netledger/ui/main')),
        args: ['--data-dir', dataDir.root, '--nats', nats.url, ...credentialsOf('observer'), '--kubeconfig', dataDir.kubeconfig, '--port', String(uiPort)],
      },
      // The node runtime runs pods as network namespaces: it needs root (netns, veth, tc).
      ...(canRunPods()
        ? [
            {
              name: `runtime-${options.node}`,
              script: fileURLToPath(import.meta.resolve('@netledger/node-runtime/main')),
              args: ['--data-dir', dataDir.root, '--kubeconfig', dataDir.kubeconfig, '--node', options.node, '--pod-cidr', options.podCidr, '--bpf-pin-dir', pinDir],
            },
          ]
        : []),
    ];
    if (!canRunPods()) log('not root: the node runtime does not start, so pods stay Pending (network namespaces need root)');
    for (const spec of specs) {
      const child = supervisor.start(spec);
      const info = await waitHealthy(dataDir, spec.name, child.pid, START_TIMEOUT_MS);
      if (!info) throw new CliError(`${spec.name} did not become healthy within ${START_TIMEOUT_MS / 1000} s; see ${dataDir.logFile(spec.name)}`);
    }
    let summary = describeStack(dataDir, nats, options, await uiUrl(dataDir));
    if (options.demo) {
      const lines = await applyDemoCluster(dataDir.kubeconfig, options.node);
      summary += `\nDemo cluster (examples/demo; --no-demo to skip):\n${lines.map((l) => `  ${l}`).join('\n')}\n`;
    }
    if (options.connectivityCheck && canRunPods()) {
      log('running the connectivity check (--no-connectivity-check to skip)');
      summary += `\nConnectivity check (examples/connectivity-check.yaml):\n${await connectivitySummary(dataDir, pinDir, log)}\n`;
    }
    writeFileSync(`${dataDir.run}/ready`, summary);
    process.stdout.write(summary);
    process.stdout.write('\nPress Ctrl-C to stop.\n');
    await new Promise<never>(() => {});
    return 0;
  } catch (e) {
    log(`start failed: ${(e as Error).message}`);
    await stop();
    throw e;
  }
}

/** Where netledger-cni registers the node's endpoints for the agent (the node runtime's layout). */
function cniStateDir(dataDir: DataDir, node: string): string {
  return join(dataDir.agentDir(node), 'cni');
}

function canRunPods(): boolean {
  return process.getuid?.() === 0;
}

/** Runs the connectivity check and returns its table (or why it failed) for the summary. */
async function connectivitySummary(dataDir: DataDir, pinDir: string, log: (m: string) => void): Promise<string> {
  const k8s = await import('@netledger/k8s');
  const client = k8s.createKubeClient({ kubeconfigPath: dataDir.kubeconfig });
  try {
    const outcomes = await runConnectivityCheck({ client, pinDir, readyTimeoutMs: 90_000, probeWindowMs: 20_000, log });
    const failed = outcomes.filter((o) => !o.pass).length;
    return (
      table(
        ['PROBE', 'EXPECTED', 'GOT', 'VERDICT', 'RESULT'],
        outcomes.map((o) => [o.name, o.expected, o.got, o.verdict, o.pass ? 'PASS' : 'FAIL']),
      ) + `\n${outcomes.length - failed}/${outcomes.length} probes passed${failed ? ' (see netledger connectivity test for details)' : ''}`
    );
  } catch (e) {
    log(`connectivity check failed: ${(e as Error).message}`);
    return `  did not run to the end: ${(e as Error).message}`;
  }
}

/** Removes what the stack put on the machine: its pods' namespaces and veths, and the host socket programs. */
async function teardownLocalNode(dataDir: DataDir, options: UpOptions, log: (m: string) => void): Promise<void> {
  const pinDir = options.bpfPinDir ?? defaultPinDir(options.node);
  try {
    const runtime = await import('@netledger/node-runtime');
    await runtime.teardownNode({ dataDir, node: options.node, log });
  } catch (e) {
    log(`removing the pods failed: ${(e as Error).message}`);
  }
  try {
    const datapath = await import('@netledger/datapath');
    datapath.detachHostPrograms(pinDir);
  } catch (e) {
    log(`detaching the host socket programs failed: ${(e as Error).message}`);
  }
}

function describeStack(dataDir: DataDir, nats: NatsServerProcess, options: UpOptions, ui: string | undefined): string {
  const runs = readRunFiles(dataDir);
  const rows = [
    ['nats-server', String(nats.pid), nats.url, dataDir.logFile('nats')],
    ...runs
      .filter((r) => r.kind !== 'nats' && r.kind !== 'supervisor')
      .map((r) => [r.component, String(r.pid), r.statusUrl ?? '-', dataDir.logFile(r.component)]),
  ];
  return (
    `netledger local stack (data dir ${dataDir.root}, node ${options.node})\n\n` +
    table(['COMPONENT', 'PID', 'ADDRESS', 'LOG'], rows) +
    `\n\nKubernetes: kubectl --kubeconfig ${dataDir.kubeconfig} get pods -A\n` +
    `BPF maps:   ${options.bpfPinDir ?? defaultPinDir(options.node)} (netledger bpf ipcache list | lb list | policy get --all)\n` +
    `NATS users: ${dataDir.credentials}/<user>.json (${stackNatsUsers([options.node]).map((u) => u.user).join(', ')}; docs/security.md)\n` +
    `Event logs: ${options.db ? options.db.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@') : `${dataDir.root}/<service>/events.db`}\n` +
    `Check it:   netledger status --data-dir ${dataDir.root}\n`
  );
}

/** The web app's address, from the ui process's status. */
async function uiUrl(dataDir: DataDir): Promise<string | undefined> {
  const run = readRunFiles(dataDir).find((r) => r.component === 'ui');
  const status = run?.statusUrl ? await fetchStatus(run.statusUrl) : undefined;
  const url = (status as { url?: unknown } | undefined)?.url;
  return typeof url === 'string' ? url : undefined;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}
