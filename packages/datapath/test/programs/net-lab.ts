// Privileged test fixture: hand-built "pods" (netns + veth, laid out as the CNI plugin does)
// on a pod CIDR of their own, a router address on a dummy device, and the datapath programs
// loaded into a pin dir of their own. Everything is named with a random id and removed by
// cleanup().
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, rmdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { buildTestObject } from './build-test-object.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const SERVER = `${here}pod-server.mjs`;
const CLIENT = `${here}pod-client.mjs`;

export interface LabPod {
  readonly name: string;
  readonly netns: string;
  readonly ip: string;
  readonly hostIf: string;
  readonly ifindex: number;
}

export interface ProbeResult {
  readonly result: 'connected' | 'refused' | 'timed-out' | 'error';
  readonly reply?: string;
  readonly from?: string;
  readonly error?: string;
}

export function sh(cmd: string, args: readonly string[]): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.error?.message ?? r.stderr.trim()}`);
  return r.stdout;
}

/** Why the lab cannot run here (a missing capability), or undefined. */
export function labUnavailable(): string | undefined {
  if (process.platform !== 'linux') return `needs Linux netns, veth and tc (this is ${process.platform})`;
  if (process.getuid?.() !== 0) return 'needs root (CAP_NET_ADMIN for netns/veth/tc, CAP_BPF and CAP_SYS_ADMIN for BPF programs)';
  for (const [tool, pkg] of [['ip', 'iproute2'], ['tc', 'iproute2'], ['clang', 'clang']] as const) {
    if (spawnSync(tool, ['-V'], { stdio: 'ignore' }).error) return `needs ${tool} (apt-get install ${pkg})`;
  }
  if (!existsSync('/sys/fs/bpf')) return 'needs bpffs at /sys/fs/bpf';
  return undefined;
}

export class NetLab {
  readonly id = randomBytes(3).toString('hex');
  readonly pinDir = `/sys/fs/bpf/nltest_${this.id}`;
  /** 10.77.<n>.0/24, n from the id: labs of parallel test files rarely share it. */
  readonly octet = 1 + (parseInt(this.id, 16) % 250);
  readonly routerIp = `10.77.${this.octet}.1`;
  readonly cgroup: string;
  readonly pods: LabPod[] = [];
  private readonly dummy = `nlr${this.id}`;
  private readonly children = new Set<ChildProcess>();
  private cgroupMade = false;
  private readonly objects: string[] = [];

  constructor(cgroupRoot = '/sys/fs/cgroup/unified') {
    this.cgroup = `${cgroupRoot}/nltest_${this.id}`;
    sh('sysctl', ['-qw', 'net.ipv4.ip_forward=1']);
    // A veth pair, not a dummy device: some kernels (this CI's) are built without dummy.
    sh('ip', ['link', 'add', this.dummy, 'type', 'veth', 'peer', 'name', `nlq${this.id}`]);
    sh('ip', ['addr', 'add', `${this.routerIp}/32`, 'dev', this.dummy]);
    sh('ip', ['link', 'set', this.dummy, 'up']);
  }

  /** A pod at 10.77.<n>.<host>: netns, veth, /32 + 169.254.1.1 gateway + permanent neighbour. */
  addPod(name: string, host: number): LabPod {
    const index = this.pods.length;
    const netns = `nltest_${this.id}_${name}`;
    const hostIf = `nlh${this.id}${index.toString(16)}`;
    const peer = `nlp${this.id}${index.toString(16)}`;
    const ip = `10.77.${this.octet}.${host}`;
    sh('ip', ['netns', 'add', netns]);
    sh('ip', ['link', 'add', hostIf, 'type', 'veth', 'peer', 'name', peer]);
    sh('ip', ['link', 'set', peer, 'netns', netns]);
    const inNs = (...args: string[]): string => sh('ip', ['netns', 'exec', netns, ...args]);
    inNs('sysctl', '-qw', 'net.ipv6.conf.all.disable_ipv6=1');
    inNs('ip', 'link', 'set', peer, 'name', 'eth0');
    inNs('ip', 'link', 'set', 'lo', 'up');
    inNs('ip', 'addr', 'add', `${ip}/32`, 'dev', 'eth0');
    inNs('ip', 'link', 'set', 'eth0', 'up');
    inNs('ip', 'route', 'add', '169.254.1.1', 'dev', 'eth0', 'scope', 'link');
    inNs('ip', 'route', 'add', 'default', 'via', '169.254.1.1', 'dev', 'eth0');
    const mac = readFileSync(`/sys/class/net/${hostIf}/address`, 'utf8').trim();
    inNs('ip', 'neigh', 'add', '169.254.1.1', 'lladdr', mac, 'dev', 'eth0', 'nud', 'permanent');
    sh('sysctl', ['-qw', `net.ipv6.conf.${hostIf}.disable_ipv6=1`]);
    sh('ip', ['link', 'set', hostIf, 'up']);
    sh('ip', ['route', 'add', `${ip}/32`, 'dev', hostIf, 'src', this.routerIp]);
    const ifindex = Number(readFileSync(`/sys/class/net/${hostIf}/ifindex`, 'utf8'));
    const pod = { name, netns, ip, hostIf, ifindex };
    this.pods.push(pod);
    return pod;
  }

  /** Starts the pod's servers (TCP answers lines, UDP echoes) and waits until they listen. */
  async serve(pod: LabPod, tcp: readonly number[], udp: readonly number[] = []): Promise<void> {
    const child = spawn('ip', ['netns', 'exec', pod.netns, process.execPath, SERVER, pod.name, tcp.join(','), udp.join(',')], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    this.children.add(child);
    await new Promise<void>((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`server in ${pod.netns} exited (${String(code)})`)));
      createInterface({ input: child.stdout! }).once('line', () => resolve());
    });
  }

  /** Runs the client in the pod's netns (undefined: on the host; in the lab's cgroup once made). */
  probe(from: LabPod | undefined, proto: 'tcp' | 'udp', host: string, port: number, count = 1, timeoutMs = 3000): ProbeResult[] {
    const args = [CLIENT, proto, host, String(port), String(count), String(timeoutMs)];
    const r = from
      ? spawnSync('ip', ['netns', 'exec', from.netns, process.execPath, ...args], { encoding: 'utf8' })
      : this.cgroupMade
        ? spawnSync('sh', ['-c', `echo $$ > ${this.cgroup}/cgroup.procs && exec "$0" "$@"`, process.execPath, ...args], { encoding: 'utf8' })
        : spawnSync(process.execPath, args, { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`client failed: ${r.stderr}`);
    return JSON.parse(r.stdout) as ProbeResult[];
  }

  /** Keeps `count` TCP connections open; next() runs another round over them. */
  hold(from: LabPod, host: string, port: number, count: number): Promise<HeldConnections> {
    const child = spawn('ip', ['netns', 'exec', from.netns, process.execPath, CLIENT, 'hold', host, String(port), String(count), '3000'], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    this.children.add(child);
    const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
    const nextLine = async (): Promise<ProbeResult[]> => {
      const l = await lines.next();
      if (l.done) throw new Error('hold client ended');
      return JSON.parse(l.value) as ProbeResult[];
    };
    return nextLine().then((first) => ({
      first,
      next: () => {
        child.stdin!.write('next\n');
        return nextLine();
      },
      close: () => {
        child.stdin!.end();
      },
    }));
  }

  /** Builds the datapath object for this lab (removed by cleanup); see buildTestObject. */
  buildObject(variant?: number): string {
    const path = buildTestObject(variant);
    this.objects.push(dirname(path));
    return path;
  }

  /** A cgroup v2 directory for host clients (socket programs attach here, not to the root). */
  makeCgroup(): string {
    mkdirSync(this.cgroup, { recursive: true });
    this.cgroupMade = true;
    return this.cgroup;
  }

  cleanup(): void {
    for (const c of this.children) c.kill('SIGKILL');
    for (const pod of this.pods) {
      spawnSync('ip', ['netns', 'del', pod.netns]);
      spawnSync('ip', ['link', 'del', pod.hostIf]);
    }
    spawnSync('ip', ['link', 'del', this.dummy]);
    if (this.cgroupMade) {
      try {
        rmdirSync(this.cgroup);
      } catch {
        // a client still exiting keeps it busy for a moment; the directory is harmless
      }
    }
    rmSync(this.pinDir, { recursive: true, force: true });
    for (const dir of this.objects) rmSync(dir, { recursive: true, force: true });
  }
}

export interface HeldConnections {
  readonly first: ProbeResult[];
  next(): Promise<ProbeResult[]>;
  close(): void;
}
