import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { hostname } from 'node:os';
import { fileURLToPath } from 'node:url';
import { SERVICE_NAMES, type ServiceName } from '@netledger/contracts';
import { NatsServerProcess } from '@netledger/bus';
import { defaultPinDir, isAlive, onShutdown, readRunFiles, writeRunFile, type DataDir } from '@netledger/runtime';
import { CliError } from '../cli-error.js';
import { table } from '../output.js';
import { applyDemoCluster } from '../demo-cluster.js';
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
  /** argv to re-run in the background for --detach. */
  readonly argv: readonly string[];
}

export const UP_HELP = `Usage: netledger up [--data-dir DIR] [--detach] [--no-demo] [--nats-port PORT] [--apiserver-port PORT]
                    [--db URL] [--node NAME] [--bpf-pin-dir DIR]

Runs the local stack: a nats-server with JetStream (store in DIR/nats), a local Kubernetes API
server (objects in DIR/apiserver.db, kubeconfig in DIR/kubeconfig), the identity, policy and
lb services (event logs in DIR/<service>/events.db, or PostgreSQL with --db postgres://...),
and one node agent. Prints what runs where; Ctrl-C (or netledger down) stops everything.

  --detach          run in the background and return once the stack is healthy
  --no-demo         start without the demo cluster
  --nats-port PORT  client port of nats-server (default 4222; a free port if 4222 is taken)
  --apiserver-port PORT  port of the local Kubernetes API server (default 6443; a free port if taken)
  --db URL          storage of the services' event logs: sqlite (default) or postgres://...
  --node NAME       name of the local node (default: the host name)
  --bpf-pin-dir DIR where the node agent pins its BPF maps (default /sys/fs/bpf/netledger/<node>);
                    they stay after the stack stops, so a restart reconciles them without a flush`;

const START_TIMEOUT_MS = 60_000;

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
  const deadline = Date.now() + START_TIMEOUT_MS + 15_000;
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
    log('stopping: node agent, services, API server, then nats-server');
    rmSync(`${dataDir.run}/ready`, { force: true });
    await supervisor.stopAll();
    await nats?.stop();
    rmSync(dataDir.supervisorPidFile, { force: true });
    rmSync(dataDir.runFile('nats'), { force: true });
    log('stopped');
  };
  onShutdown(stop, { log });

  try {
    const port = (await portIsFree(options.natsPort)) ? options.natsPort : 0;
    if (port !== options.natsPort) log(`port ${options.natsPort} is taken: nats-server gets a free port`);
    nats = await NatsServerProcess.start({ storeDir: dataDir.natsStore, port, monitorPort: 0, logFile: dataDir.logFile('nats') });
    writeRunFile(dataDir, { component: 'nats', kind: 'nats', pid: nats.pid, statusUrl: nats.monitorUrl, startedAt: new Date().toISOString() });

    const apiPort = (await portIsFree(options.apiServerPort)) ? options.apiServerPort : await freePort();
    if (apiPort !== options.apiServerPort) log(`port ${options.apiServerPort} is taken: the API server gets port ${apiPort}`);
    const apiserver = supervisor.start({
      name: 'apiserver',
      script: fileURLToPath(new URL('../apiserver-main.ts', import.meta.url)),
      args: ['--data-dir', dataDir.root, '--port', String(apiPort)],
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
    const specs = [
      ...SERVICE_NAMES.map((s) => ({
        name: s,
        script: fileURLToPath(import.meta.resolve(`@netledger/${s}-service/main`)),
        args: [...common, '--db', services[s], '--kubeconfig', dataDir.kubeconfig],
      })),
      { name: `agent-${options.node}`, script: fileURLToPath(import.meta.resolve('@netledger/node-agent/main')), args: [...common, '--node', options.node, '--bpf-pin-dir', pinDir] },
    ];
    for (const spec of specs) {
      const child = supervisor.start(spec);
      const info = await waitHealthy(dataDir, spec.name, child.pid, START_TIMEOUT_MS);
      if (!info) throw new CliError(`${spec.name} did not become healthy within ${START_TIMEOUT_MS / 1000} s; see ${dataDir.logFile(spec.name)}`);
    }
    let summary = describeStack(dataDir, nats, options);
    if (options.demo) {
      const lines = await applyDemoCluster(dataDir.kubeconfig, options.node);
      summary += `\nDemo cluster (examples/demo; --no-demo to skip):\n${lines.map((l) => `  ${l}`).join('\n')}\n`;
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

function describeStack(dataDir: DataDir, nats: NatsServerProcess, options: UpOptions): string {
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
    `Event logs: ${options.db ? options.db.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@') : `${dataDir.root}/<service>/events.db`}\n` +
    `Check it:   netledger status --data-dir ${dataDir.root}\n`
  );
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
