// One privileged test world: a local API server, a data dir, a bpffs pin dir with pass-all tc
// programs for netledger-cni to attach, and a NodeRuntime running in this process. cleanup()
// removes every netns, veth, process, address and file it made.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CNI_PLUGIN_PATH } from '@netledger/cni';
import { createInformerSources } from '@netledger/k8s';
import { startLocalApiServer, type LocalApiServer } from '@netledger/kube-apiserver';
import { DataDir } from '@netledger/runtime';
import {
  buildCniNetworkConfig,
  CniPluginRunner,
  createKubeNodeApi,
  readCniNetworkConfig,
  NodeRuntime,
  RuntimeLayout,
  teardownNode,
  type NodeRuntimeOptions,
} from '../../src/index.js';

const SBIN = ['/usr/sbin', '/sbin', '/usr/bin', '/bin', '/usr/local/sbin', '/usr/local/bin'];

function which(name: string): string | undefined {
  return SBIN.map((d) => join(d, name)).find((p) => existsSync(p));
}

/** Why pods cannot run here, naming the missing capability or tool; undefined when they can. */
export function privilegedSkipReason(): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root (CAP_SYS_ADMIN for network namespaces, CAP_NET_ADMIN for veths, CAP_BPF for the tc programs)';
  for (const tool of ['ip', 'tc', 'clang', 'bpftool']) if (!which(tool)) return `needs ${tool} on PATH`;
  if (!existsSync('/sys/fs/bpf')) return 'needs bpffs mounted at /sys/fs/bpf';
  const probe = `nl-rtprobe-${process.pid}`;
  const made = spawnSync('ip', ['netns', 'add', probe], { encoding: 'utf8' });
  if (made.status !== 0) return `cannot create a network namespace (ip netns add): ${made.stderr.trim()}`;
  spawnSync('ip', ['netns', 'del', probe]);
  return undefined;
}

export function run(cmd: string, args: readonly string[]): string {
  const r = spawnSync(which(cmd) ?? cmd, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.error?.message ?? r.stderr}`);
  return r.stdout;
}

function tryRun(cmd: string, args: readonly string[]): void {
  spawnSync(which(cmd) ?? cmd, args, { encoding: 'utf8' });
}

// Two tc programs that let everything through: the plugin needs something pinned to attach.
const PASS_ALL_C = `struct __sk_buff;
#define SEC(n) __attribute__((section(n), used))
SEC("tc") int nl_from_pod(struct __sk_buff *skb) { return 0; }
SEC("tc") int nl_to_pod(struct __sk_buff *skb) { return 0; }
char _license[] SEC("license") = "GPL";
`;

/** Polls `check` until it returns a value (not undefined/false); fails naming `what` after `timeoutMs`. */
export async function waitFor<T>(what: string, check: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

// Tests poke at pod JSON; typing every status field would hide what they check.
export type PodJson = any;

let counter = 0;

export class RuntimeFixture {
  readonly id: string;
  readonly tmp: string;
  readonly node: string;
  readonly podCidr: string;
  readonly routerIp: string;
  readonly pinDir: string;
  readonly dataDir: DataDir;
  readonly layout: RuntimeLayout;
  readonly cniConfigPath: string;
  readonly logs: string[] = [];
  private readonly routes: string[] = [];
  runtime: NodeRuntime | undefined;

  private constructor(
    readonly api: LocalApiServer,
    tmp: string,
    id: string,
    private readonly pluginPath: string,
  ) {
    this.tmp = tmp;
    this.id = id;
    this.node = `rt-${id}`;
    // 10.234.0.0/16 is this suite's (netledger-cni's tests use 10.233.0.0/16); processes step apart by pid.
    const octet = 1 + ((process.pid * 31 + counter * 7) % 250);
    this.podCidr = `10.234.${octet}.0/24`;
    this.routerIp = `10.234.${octet}.1`;
    this.pinDir = `/sys/fs/bpf/nl-rt-test-${id}`;
    this.dataDir = new DataDir(join(tmp, 'data'));
    this.layout = new RuntimeLayout(this.dataDir, this.node);
    this.cniConfigPath = this.layout.cniConfigFile;
  }

  /** API server, pinned programs, CNI config; `pluginPath` may wrap the real plugin (fault injection). */
  static async create(options: { pluginPath?: (fixture: { tmp: string }) => string } = {}): Promise<RuntimeFixture> {
    counter += 1;
    const id = `${process.pid.toString(36)}${counter}`;
    const tmp = mkdtempSync(join(tmpdir(), 'nl-runtime-test-'));
    const api = await startLocalApiServer({ dataDir: join(tmp, 'api') });
    const f = new RuntimeFixture(api, tmp, id, options.pluginPath?.({ tmp }) ?? CNI_PLUGIN_PATH);
    f.pinPrograms();
    mkdirSync(f.layout.dir, { recursive: true });
    writeFileSync(
      f.cniConfigPath,
      JSON.stringify(
        buildCniNetworkConfig({ podCidr: f.podCidr, routerIp: f.routerIp, ipamDir: f.layout.ipamDir, stateDir: f.layout.cniStateDir, bpfPinDir: f.pinDir }),
      ),
    );
    return f;
  }

  private pinPrograms(): void {
    const src = join(this.tmp, 'pass-all.c');
    const obj = join(this.tmp, 'pass-all.o');
    writeFileSync(src, PASS_ALL_C);
    run('clang', ['-O2', '-target', 'bpf', '-c', src, '-o', obj]);
    mkdirSync(join(this.pinDir, 'progs'), { recursive: true });
    run('bpftool', ['prog', 'loadall', obj, join(this.pinDir, 'progs'), 'type', 'classifier']);
  }

  /** Starts a runtime in this process (a new one after `stopRuntime`, as a restart). */
  async startRuntime(overrides: Partial<NodeRuntimeOptions> = {}): Promise<NodeRuntime> {
    const config = readCniNetworkConfig(this.cniConfigPath);
    this.runtime = await NodeRuntime.start({
      nodeName: this.node,
      nodeIp: this.routerIp,
      podCidr: this.podCidr,
      layout: this.layout,
      cni: new CniPluginRunner({ pluginPath: this.pluginPath, config }),
      pods: createInformerSources({ kubeconfigPath: this.api.kubeconfigPath }).pods(),
      api: createKubeNodeApi({ kubeconfigPath: this.api.kubeconfigPath }),
      logger: { info: (m) => this.logs.push(`INFO ${m}`), error: (m) => this.logs.push(`ERROR ${m}`) },
      cniRetry: { initialMs: 100, maxMs: 400 },
      cniFailureRetryMs: 300,
      ...overrides,
    });
    return this.runtime;
  }

  async stopRuntime(): Promise<void> {
    await this.runtime?.stop();
    this.runtime = undefined;
  }

  async call(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<{ status: number; body: PodJson }> {
    const res = await fetch(`${this.api.url}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': contentType },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  }

  async createPod(name: string, containers: readonly Record<string, unknown>[], extra: Record<string, unknown> = {}): Promise<PodJson> {
    const r = await this.call('POST', '/api/v1/namespaces/default/pods', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, labels: { app: name } },
      spec: { nodeName: this.node, containers, ...extra },
    });
    if (r.status !== 201) throw new Error(`create pod ${name}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  }

  async getPod(name: string): Promise<PodJson | undefined> {
    const r = await this.call('GET', `/api/v1/namespaces/default/pods/${name}`);
    return r.status === 200 ? r.body : undefined;
  }

  async deletePod(name: string): Promise<void> {
    await this.call('DELETE', `/api/v1/namespaces/default/pods/${name}`);
  }

  /** The pod once its Ready condition is True. */
  waitReady(name: string, timeoutMs = 60_000): Promise<PodJson> {
    return waitFor(
      `pod ${name} Ready`,
      async () => {
        const pod = await this.getPod(name);
        const ready = pod?.status?.conditions?.some((c: { type: string; status: string }) => c.type === 'Ready' && c.status === 'True');
        return ready ? pod : undefined;
      },
      timeoutMs,
    );
  }

  /** Addresses the plugin's IPAM holds (one file per address). */
  ipamAddresses(): string[] {
    try {
      return readdirSync(this.layout.ipamDir).filter((n) => /^\d+\.\d+\.\d+\.\d+$/.test(n));
    } catch {
      return [];
    }
  }

  /** A host route that drops what the pods send to `ip` without an answer. */
  blackhole(ip: string): void {
    run('ip', ['route', 'replace', 'blackhole', `${ip}/32`]);
    this.routes.push(ip);
  }

  async cleanup(): Promise<void> {
    await this.stopRuntime().catch(() => undefined);
    const report = await teardownNode({ dataDir: this.dataDir, node: this.node, cniPlugin: CNI_PLUGIN_PATH }).catch((e: unknown) => ({ errors: [String(e)] }));
    if (report.errors.length > 0) process.stderr.write(`runtime fixture teardown: ${report.errors.join('; ')}\n`);
    for (const ip of this.routes) tryRun('ip', ['route', 'del', 'blackhole', `${ip}/32`]);
    await this.api.stop();
    rmSync(this.pinDir, { recursive: true, force: true });
    rmSync(this.tmp, { recursive: true, force: true });
  }
}
