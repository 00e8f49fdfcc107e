import assert from 'node:assert/strict';
import { execFile, spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { missingStackCapability, netledgerCli, upTestStack, type CliRun } from '@netledger/testkit';

// The issue 5 acceptance run: a whole local stack as root (API server, services, controllers,
// agent with its programs, node runtime with real network namespaces), the connectivity check,
// then live policy, service and agent changes under real traffic.

const run = promisify(execFile);
const NS = 'connectivity-check';

const netledger = (dataDir: string, ...args: string[]): Promise<CliRun> => netledgerCli(dataDir, args);

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface PodJson {
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string>; deletionTimestamp?: string };
  status?: { podIP?: string; conditions?: Array<{ type: string; status: string }> };
}

interface ProbeJson {
  result: string;
  reply?: string;
  datapath?: { verdict: string; reason?: string; ruleId: number };
}

/** A keep-alive HTTP client inside a pod: one request per `send()`, on the same connection while it lives. */
class LongLivedClient {
  readonly #child: ChildProcessWithoutNullStreams;
  readonly #lines: string[] = [];
  #waiters: Array<(line: string) => void> = [];

  constructor(netns: string, ip: string, port: number) {
    const script = `
      const http = require('node:http');
      const [ip, port] = process.argv.slice(1);
      const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
      require('node:readline').createInterface({ input: process.stdin }).on('line', () => {
        const req = http.get({ host: ip, port: Number(port), agent, path: '/', timeout: 3000 }, (res) => {
          let body = '';
          res.on('data', (d) => (body += d));
          res.on('end', () => console.log(JSON.stringify({ ok: true, localPort: req.socket && req.socket.localPort, body: body.trim() })));
        });
        req.on('timeout', () => req.destroy(new Error('timeout')));
        req.on('error', (e) => console.log(JSON.stringify({ ok: false, error: e.message })));
      });`;
    this.#child = spawn('ip', ['netns', 'exec', netns, process.execPath, '-e', script, ip, String(port)]);
    createInterface({ input: this.#child.stdout }).on('line', (line) => {
      const w = this.#waiters.shift();
      if (w) w(line);
      else this.#lines.push(line);
    });
  }

  async send(): Promise<{ ok: boolean; localPort?: number; body?: string; error?: string }> {
    const line = new Promise<string>((resolve) => {
      const queued = this.#lines.shift();
      if (queued !== undefined) resolve(queued);
      else this.#waiters.push(resolve);
    });
    this.#child.stdin.write('go\n');
    const timeout = sleep(6000).then(() => JSON.stringify({ ok: false, error: 'no answer from the client process' }));
    return JSON.parse(await Promise.race([line, timeout])) as { ok: boolean; localPort?: number; body?: string; error?: string };
  }

  close(): void {
    this.#child.kill();
  }
}

/** `n` new connections (one HTTP request each) from inside a pod; the echo pod that answered each, or the error. */
async function connectMany(netns: string, ip: string, port: number, n: number): Promise<string[]> {
  const script = `
    const http = require('node:http');
    const [ip, port, n] = process.argv.slice(1);
    (async () => {
      for (let i = 0; i < Number(n); i++) {
        const answer = await new Promise((resolve) => {
          const req = http.get({ host: ip, port: Number(port), path: '/', agent: false, timeout: 3000 }, (res) => {
            let body = '';
            res.on('data', (d) => (body += d));
            res.on('end', () => { try { resolve(JSON.parse(body).pod); } catch { resolve('bad reply'); } });
          });
          req.on('timeout', () => req.destroy(new Error('timeout')));
          req.on('error', (e) => resolve('error: ' + e.message));
        });
        console.log(answer);
      }
    })();`;
  const { stdout } = await run('ip', ['netns', 'exec', netns, process.execPath, '-e', script, ip, String(port), String(n)], { timeout: 120_000 });
  return stdout.trim().split('\n');
}

describe('datapath end to end: connectivity check, live policy, service scaling, agent restart', { concurrency: false }, () => {
  const missing = missingStackCapability();
  let dataDir = '';
  const pinDir = `/sys/fs/bpf/netledger-test-ct-${process.pid}`;
  const clients: LongLivedClient[] = [];

  const pods = async (label?: string): Promise<PodJson[]> => {
    const r = await netledger(dataDir, 'get', 'pods', '-n', NS, '-o', 'json');
    assert.equal(r.code, 0, r.stderr);
    const parsed = JSON.parse(r.stdout) as { items?: PodJson[] } | PodJson;
    const items = 'items' in parsed && parsed.items ? parsed.items : [parsed as PodJson];
    return items.filter((p) => !p.metadata.deletionTimestamp && (label === undefined || p.metadata.labels?.['name'] === label));
  };
  const readyPods = async (label: string): Promise<PodJson[]> =>
    (await pods(label)).filter((p) => p.status?.podIP && p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
  const waitReady = async (label: string, n: number): Promise<PodJson[]> => {
    let ready: PodJson[] = [];
    for (let i = 0; i < 240; i++) {
      ready = await readyPods(label);
      if (ready.length === n && (await pods(label)).length === n) return ready;
      await sleep(250);
    }
    assert.fail(`${label}: ${ready.length} ready pods, expected ${n}`);
  };
  const probe = async (from: string, to: string, proto = 'tcp'): Promise<ProbeJson> => {
    const r = await netledger(dataDir, 'probe', '--from', `${NS}/${from}`, '--to', to, '--proto', proto, '--timeout-ms', '1500', '-o', 'json');
    assert.ok(r.stdout, r.stderr);
    return JSON.parse(r.stdout) as ProbeJson;
  };
  const serviceAddress = async (name: string): Promise<string> => {
    const r = await netledger(dataDir, 'get', 'svc', name, '-n', NS, '-o', 'json');
    const svc = JSON.parse(r.stdout) as { spec: { clusterIP: string; ports: Array<{ name: string; port: number }> } };
    return `${svc.spec.clusterIP}:${svc.spec.ports.find((p) => p.name === 'http')!.port}`;
  };
  const applyYaml = async (yaml: string): Promise<void> => {
    const file = join(dataDir, `manifest-${Date.now()}.yaml`);
    writeFileSync(file, yaml);
    const r = await netledger(dataDir, 'apply', '-f', file);
    assert.equal(r.code, 0, r.stderr);
  };
  const deleteYaml = async (yaml: string): Promise<void> => {
    const file = join(dataDir, `manifest-${Date.now()}.yaml`);
    writeFileSync(file, yaml);
    const r = await netledger(dataDir, 'delete', '-f', file);
    assert.equal(r.code, 0, r.stderr);
  };
  /** Probes until `ok` holds (a change settles within seconds) and returns the last result. */
  const probeUntil = async (from: string, to: string, ok: (p: ProbeJson) => boolean): Promise<ProbeJson> => {
    let last: ProbeJson | undefined;
    for (let i = 0; i < 40; i++) {
      last = await probe(from, to);
      if (ok(last)) return last;
      await sleep(250);
    }
    return last!;
  };
  const podOf = async (label: string): Promise<PodJson> => (await waitReady(label, 1))[0]!;

  before(async () => {
    if (missing) return;
    dataDir = mkdtempSync(join(tmpdir(), 'netledger-ct-'));
    const up = await upTestStack(dataDir, { node: 'ct-node', pinDir, podCidr: '10.212.0.0/24', serviceCidr: '10.98.0.0/16' });
    assert.equal(up.code, 0, `${up.stdout}\n${up.stderr}`);
  });

  after(async () => {
    for (const c of clients) c.close();
    if (!dataDir) return;
    await netledger(dataDir, 'down');
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(pinDir, { recursive: true, force: true });
  });

  it('passes the connectivity check: allowed probes connect, denied ones are dropped for policy', { skip: missing }, async () => {
    const r = await netledger(dataDir, 'connectivity', 'test', '-o', 'json');
    const result = JSON.parse(r.stdout || '{}') as { probes?: Array<{ name: string; expected: string; got: string; verdict: string; pass: boolean; datapath?: { reason?: string } }> };
    assert.ok(result.probes?.length, `no probes: ${r.stdout}\n${r.stderr}`);
    for (const p of result.probes) assert.ok(p.pass, `${p.name}: expected ${p.expected}, got ${p.got} (${p.verdict})\n${r.stderr}`);
    assert.equal(r.code, 0);
    const denied = result.probes.filter((p) => p.expected === 'dropped');
    assert.ok(denied.length >= 2);
    for (const p of denied) assert.equal(p.datapath?.reason, 'policy-denied', `${p.name}: ${JSON.stringify(p)}`);

    // The drops were counted, and the agent says the datapath replaces kube-proxy.
    const status = await netledger(dataDir, 'status');
    assert.match(status.stdout, /KubeProxyReplacement: True \[ClusterIP, NodePort/, status.stdout);
    assert.match(status.stdout, /Drops: .*policy-denied egress [1-9]/, status.stdout);
  });

  it('installs no kube-proxy style iptables rules', { skip: missing ?? (spawnSync('iptables-save').error ? 'iptables-save is not installed' : undefined) }, () => {
    const saved = spawnSync('iptables-save', { encoding: 'utf8' });
    assert.equal(saved.status, 0, saved.stderr);
    assert.doesNotMatch(saved.stdout, /KUBE/);
  });

  it('applies a policy change to live traffic: deny, the next probe fails; delete, the next connects', { skip: missing }, async () => {
    const client = (await podOf('pod-to-a')).metadata.name;
    const echoA = await serviceAddress('echo-a');
    assert.equal((await probeUntil(client, echoA, (p) => p.result === 'connected')).result, 'connected');
    const deny = `apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: { name: live-deny, namespace: ${NS} }
spec:
  endpointSelector: { matchLabels: { name: pod-to-a } }
  egressDeny:
    - toEndpoints: [{ matchLabels: { name: echo-a } }]
`;
    await applyYaml(deny);
    const denied = await probeUntil(client, echoA, (p) => p.result !== 'connected' && p.datapath?.verdict === 'DROPPED');
    assert.notEqual(denied.result, 'connected');
    assert.equal(denied.datapath?.verdict, 'DROPPED', JSON.stringify(denied));
    assert.match(denied.datapath?.reason ?? '', /^policy-/);
    assert.notEqual(denied.datapath?.ruleId, 0, 'the explicit deny names its rule');
    await deleteYaml(deny);
    assert.equal((await probeUntil(client, echoA, (p) => p.result === 'connected')).result, 'connected');
  });

  it('spreads new connections over every replica, and removing one leaves the others\' connections alone', { skip: missing }, async () => {
    const clientPod = await podOf('pod-to-b-clusterip');
    const echoB = await serviceAddress('echo-b');
    const scale = (n: number): string => `apiVersion: apps/v1
kind: Deployment
metadata: { name: echo-b, namespace: ${NS} }
spec:
  replicas: ${n}
  selector: { matchLabels: { name: echo-b } }
  template:
    metadata: { labels: { name: echo-b } }
    spec:
      containers:
        - name: echo
          image: netledger/echo
          ports:
            - { name: http, containerPort: 8080, protocol: TCP }
            - { name: udp-echo, containerPort: 5353, protocol: UDP }
`;
    await applyYaml(scale(3));
    const three = await waitReady('echo-b', 3);
    const names = new Set(three.map((p) => p.metadata.name));
    const netns = clientPod.metadata.annotations?.['netledger.io/netns'];
    assert.ok(netns, 'the client pod names its network namespace');
    const [ip, port] = echoB.split(':') as [string, string];
    // New connections reach all three once the LB has them (the slot count follows the EndpointSlice).
    let seen = new Set<string>();
    for (let i = 0; i < 20 && ![...names].every((n) => seen.has(n)); i++) {
      seen = new Set(await connectMany(netns, ip, Number(port), 30));
      if (![...names].every((n) => seen.has(n))) await sleep(250);
    }
    assert.deepEqual([...seen].sort(), [...names].sort(), 'every replica answered some of 30 new connections');

    // Long-lived connections, one per backend at least.
    const byBackend = new Map<string, { client: LongLivedClient; localPort: number }>();
    for (let i = 0; i < 30 && byBackend.size < 3; i++) {
      const c = new LongLivedClient(netns, ip, Number(port));
      clients.push(c);
      const r = await c.send();
      const pod = r.ok ? (JSON.parse(r.body ?? '{}') as { pod?: string }).pod : undefined;
      if (pod && !byBackend.has(pod)) byBackend.set(pod, { client: c, localPort: r.localPort! });
      else c.close();
    }
    assert.equal(byBackend.size, 3, 'a long-lived connection to each replica');

    await applyYaml(scale(2));
    const two = await waitReady('echo-b', 2);
    const remaining = new Set(two.map((p) => p.metadata.name));
    const removed = [...names].find((n) => !remaining.has(n))!;
    assert.ok(removed);
    // Let the agent apply the EndpointSlice change (the removed pod's answers stop), then check.
    for (let i = 0; i < 40; i++) {
      const answers = await connectMany(netns, ip, Number(port), 10);
      if (!answers.includes(removed) && answers.every((a) => remaining.has(a))) break;
      await sleep(250);
    }
    for (const [pod, { client, localPort }] of byBackend) {
      if (pod === removed) continue;
      const r = await client.send();
      assert.ok(r.ok, `the connection to ${pod} broke: ${r.error}`);
      assert.equal(r.localPort, localPort, `the connection to ${pod} was replaced by a new one`);
      assert.equal((JSON.parse(r.body ?? '{}') as { pod?: string }).pod, pod);
    }
    const answers = await connectMany(netns, ip, Number(port), 30);
    for (const a of answers) assert.ok(remaining.has(a), `a new connection got ${a}, not one of the remaining replicas`);
  });

  it('keeps established flows and new probes working while the agent restarts', { skip: missing }, async () => {
    const clientPod = await podOf('pod-to-a');
    const echoA = await serviceAddress('echo-a');
    const netns = clientPod.metadata.annotations!['netledger.io/netns']!;
    const [ip, port] = echoA.split(':') as [string, string];
    const c = new LongLivedClient(netns, ip, Number(port));
    clients.push(c);
    const first = await c.send();
    assert.ok(first.ok, first.error);

    const status = JSON.parse((await netledger(dataDir, 'status', '-o', 'json')).stdout) as { components: Array<{ component: string; pid: number }> };
    const agent = status.components.find((x) => x.component === 'agent-ct-node');
    assert.ok(agent);
    process.kill(agent.pid, 'SIGKILL');
    // While no agent runs, the pinned programs and maps carry the traffic.
    const during = await c.send();
    assert.ok(during.ok, `established flow broke while the agent was down: ${during.error}`);
    assert.equal(during.localPort, first.localPort);
    assert.equal((await probe(clientPod.metadata.name, echoA)).result, 'connected');

    // The supervisor restarts the agent; it finds the programs loaded and leaves them.
    let restarted: { component: string; pid: number; detail?: { datapath?: { programs?: { loaded?: boolean; reloaded?: boolean } } } } | undefined;
    for (let i = 0; i < 120; i++) {
      const s = JSON.parse((await netledger(dataDir, 'status', '-o', 'json')).stdout) as { components: Array<typeof restarted & object> };
      restarted = s.components.find((x) => x.component === 'agent-ct-node' && x.pid !== agent.pid);
      if (restarted?.detail?.datapath?.programs?.loaded) break;
      await sleep(250);
    }
    assert.equal(restarted?.detail?.datapath?.programs?.loaded, true);
    assert.equal(restarted?.detail?.datapath?.programs?.reloaded, false, 'an unchanged object is not reloaded');
    const afterRestart = await c.send();
    assert.ok(afterRestart.ok, afterRestart.error);
    assert.equal(afterRestart.localPort, first.localPort);
    assert.equal((await probe(clientPod.metadata.name, echoA)).result, 'connected');
  });
});
