import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultObjectPath, loadDatapathPrograms } from '@netledger/datapath';
import { CNI_PLUGIN_PATH, execCni, hostVethName, invokeCni, type CniExecResult, type CniResult } from '../../src/index.js';

const BPFFS = '/sys/fs/bpf';
const SBIN = ['/usr/sbin', '/sbin', '/usr/bin', '/bin', '/usr/local/sbin', '/usr/local/bin'];

function which(name: string): string | undefined {
  return SBIN.map((d) => join(d, name)).find((p) => existsSync(p));
}

/** Why the privileged tests cannot run here, naming what is missing; undefined when they can. */
export function privilegedSkipReason(): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root (CAP_NET_ADMIN and CAP_SYS_ADMIN for netns and veth, CAP_BPF for the programs)';
  for (const tool of ['ip', 'tc', 'nsenter', 'clang', 'bpftool']) if (!which(tool)) return `needs ${tool}`;
  if (!existsSync(BPFFS)) return `needs bpffs mounted at ${BPFFS}`;
  return undefined;
}

function run(cmd: string, args: readonly string[], input?: string): string {
  const r = spawnSync(which(cmd) ?? cmd, args, { input, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.error?.message ?? r.stderr}`);
  return r.stdout;
}

function tryRun(cmd: string, args: readonly string[]): void {
  spawnSync(which(cmd) ?? cmd, args, { encoding: 'utf8' });
}

// Two tc programs that let everything through: the plugin only needs something pinned to attach.
const PASS_ALL_C = `struct __sk_buff;
#define SEC(n) __attribute__((section(n), used))
SEC("tc") int nl_from_pod(struct __sk_buff *skb) { return 0; }
SEC("tc") int nl_to_pod(struct __sk_buff *skb) { return 0; }
char _license[] SEC("license") = "GPL";
`;

/** Why the real datapath object cannot be used, or undefined. */
export function datapathObjectMissing(): string | undefined {
  return existsSync(defaultObjectPath()) ? undefined : `needs the datapath object ${defaultObjectPath()} (npm run build)`;
}

let counter = 0;

/**
 * One test's world: a pin dir with pass-all programs, temp IPAM and state dirs, its own
 * /24 in 10.233.0.0/16 (apart from other runs and suites), and
 * everything it creates (netns, containers) removed by cleanup().
 */
export class CniFixture {
  readonly id: string;
  readonly tmp: string;
  readonly pinDir: string;
  readonly podCIDR: string;
  readonly routerIP: string;
  readonly ipamDir: string;
  readonly stateDir: string;
  readonly #netns = new Set<string>();
  readonly #added = new Map<string, { netns: string; ifname: string }>();
  readonly #servers: ChildProcess[] = [];

  /**
   * `programs`: `pass-all` (default) pins two trivial tc programs built here; `datapath` loads
   * the real object (bpf/build/netledger.o) as the node agent does.
   */
  constructor(opts: { prefixLength?: number; programs?: 'pass-all' | 'datapath' } = {}) {
    counter += 1;
    this.id = `${process.pid.toString(36)}${counter}`;
    this.tmp = mkdtempSync(join(tmpdir(), 'nl-cni-test-'));
    this.ipamDir = join(this.tmp, 'ipam');
    this.stateDir = join(this.tmp, 'state');
    // Fixtures of one process step through the octets; processes start apart by their pid.
    const octet = 1 + ((process.pid * 37 + counter) % 250);
    const prefix = opts.prefixLength ?? 24;
    this.podCIDR = `10.233.${octet}.0/${prefix}`;
    this.routerIP = `10.233.${octet}.1`;
    this.pinDir = join(BPFFS, `nl-cni-test-${this.id}-${Date.now().toString(36)}`);
    if (opts.programs === 'datapath') loadDatapathPrograms({ pinDir: this.pinDir });
    else this.#pinPrograms();
  }

  #pinPrograms(): void {
    const src = join(this.tmp, 'pass-all.c');
    const obj = join(this.tmp, 'pass-all.o');
    writeFileSync(src, PASS_ALL_C);
    run('clang', ['-O2', '-target', 'bpf', '-c', src, '-o', obj]);
    mkdirSync(join(this.pinDir, 'progs'), { recursive: true });
    run('bpftool', ['prog', 'loadall', obj, join(this.pinDir, 'progs'), 'type', 'classifier']);
  }

  /** The network config this fixture's plugin runs get. */
  config(overrides: Record<string, unknown> = {}): Record<string, unknown> {
    return {
      cniVersion: '1.0.0',
      name: 'nl-test',
      type: 'netledger-cni',
      podCIDR: this.podCIDR,
      ipamDir: this.ipamDir,
      stateDir: this.stateDir,
      bpfPinDir: this.pinDir,
      mtu: 1500,
      ...overrides,
    };
  }

  /** A new network namespace (removed by cleanup unless the test removes it first). */
  netns(label = 'p'): string {
    const name = `nlct-${this.id}-${label}`;
    run('ip', ['netns', 'add', name]);
    this.#netns.add(name);
    return `/var/run/netns/${name}`;
  }

  deleteNetns(path: string): void {
    const name = path.split('/').pop() ?? path;
    run('ip', ['netns', 'del', name]);
    this.#netns.delete(name);
  }

  containerId(label: string): string {
    return `nlct${this.id}${label}`;
  }

  exec(command: string, env: { containerId?: string; netns?: string; ifname?: string; args?: Record<string, string> }, config: unknown = this.config()): Promise<CniExecResult> {
    return execCni(CNI_PLUGIN_PATH, command, env, config);
  }

  /** ADD through the real plugin; remembered so cleanup DELs it. */
  async add(containerId: string, netns: string, ifname = 'eth0', config: Record<string, unknown> = this.config()): Promise<CniResult> {
    this.#added.set(containerId + '/' + ifname, { netns, ifname });
    return (await invokeCni(CNI_PLUGIN_PATH, 'ADD', { containerId, netns, ifname, args: { K8S_POD_NAMESPACE: 'test', K8S_POD_NAME: containerId } }, config)) as CniResult;
  }

  async del(containerId: string, netns: string | undefined, ifname = 'eth0', config: Record<string, unknown> = this.config()): Promise<void> {
    await invokeCni(CNI_PLUGIN_PATH, 'DEL', { containerId, netns, ifname }, config);
    this.#added.delete(containerId + '/' + ifname);
  }

  hostVeth(containerId: string, ifname = 'eth0'): string {
    return hostVethName(containerId, ifname);
  }

  /** `ip` in the host or inside a netns (path). */
  ip(args: readonly string[], netns?: string): string {
    return netns === undefined ? run('ip', args) : run('nsenter', [`--net=${netns}`, which('ip') ?? 'ip', ...args]);
  }

  tc(args: readonly string[]): string {
    return run('tc', args);
  }

  /** A TCP server in the netns answering each connection with the peer's address, then closing. */
  async server(netns: string, port: number): Promise<void> {
    const script = `require('net').createServer((s) => s.end(s.remoteAddress + '\\n')).listen(${port}, '0.0.0.0', () => console.log('listening'))`;
    const child = spawn(which('nsenter') ?? 'nsenter', [`--net=${netns}`, process.execPath, '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.#servers.push(child);
    await new Promise<void>((resolve, reject) => {
      child.stdout.setEncoding('utf8').on('data', (d: string) => d.includes('listening') && resolve());
      child.on('exit', (code) => reject(new Error(`server in ${netns} exited with ${code}`)));
    });
  }

  /** Connects from the netns (or the host) and returns what the server said: the address it saw. */
  connect(from: string | undefined, ip: string, port: number): Promise<string> {
    const script = `const s = require('net').connect(${port}, '${ip}'); let d = ''; s.setTimeout(5000, () => { console.error('timed out'); process.exit(2); });
      s.on('data', (c) => (d += c)); s.on('end', () => { process.stdout.write(d.trim()); process.exit(0); }); s.on('error', (e) => { console.error(e.message); process.exit(1); });`;
    const [cmd, args] = from === undefined ? [process.execPath, ['-e', script]] : [which('nsenter') ?? 'nsenter', [`--net=${from}`, process.execPath, '-e', script]];
    return new Promise((resolve, reject) => {
      const child = spawn(cmd, args as string[], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
      child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
      child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`connect ${ip}:${port} from ${from ?? 'host'}: ${err.trim() || code}`))));
    });
  }

  async cleanup(): Promise<void> {
    for (const s of this.#servers) s.kill();
    await Promise.all(
      [...this.#added].map(([key, c]) =>
        execCni(CNI_PLUGIN_PATH, 'DEL', { containerId: key.slice(0, key.lastIndexOf('/')), netns: c.netns, ifname: c.ifname }, this.config()),
      ),
    );
    for (const name of this.#netns) tryRun('ip', ['netns', 'del', name]);
    // nl_host stays (other pods on this machine may use it); only this fixture's address goes.
    tryRun('ip', ['address', 'del', `${this.routerIP}/32`, 'dev', 'nl_host']);
    rmSync(this.pinDir, { recursive: true, force: true });
    rmSync(this.tmp, { recursive: true, force: true });
  }
}
