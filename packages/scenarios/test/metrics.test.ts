// The control-plane metrics of a whole stack in one process (services, a node agent on
// in-memory maps), read from a status endpoint's /metrics and scraped by a real Prometheus
// (Debian's `prometheus`), which gives a series back through its query API.
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { MemoryDatapathMaps } from '@netledger/datapath';
import type { KubeManifest } from '@netledger/k8s';
import type { RunningAgent } from '@netledger/node-agent';
import { ScenarioStack } from './support/scenario-stack.js';
import { WAIT_MS, waitFor } from './support/wait-for.js';

const NODE = 'node-a';
const PROMETHEUS = '/usr/bin/prometheus';
const PROMTOOL = '/usr/bin/promtool';
const EXAMPLE_CONFIG = fileURLToPath(new URL('../../../deploy/prometheus/prometheus.yml', import.meta.url));

/** One sample of the text format: `name{labels} value`. */
interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

function parseMetrics(text: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]!] = l[2]!;
    out.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return out;
}

/** The samples named `name` whose labels include `labels`. */
function samples(all: readonly Sample[], name: string, labels: Record<string, string> = {}): Sample[] {
  return all.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
}

function value(all: readonly Sample[], name: string, labels: Record<string, string> = {}): number | undefined {
  const found = samples(all, name, labels);
  return found.length === 0 ? undefined : found.reduce((sum, s) => sum + s.value, 0);
}

async function scrape(statusUrl: string): Promise<Sample[]> {
  const res = await fetch(`${statusUrl}/metrics`);
  assert.equal(res.status, 200);
  return parseMetrics(await res.text());
}

function namespace(name: string): KubeManifest {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name } };
}

function pod(ns: string, name: string, ip: string, labels: Record<string, string>): KubeManifest {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: ns, labels },
    spec: { nodeName: NODE, containers: [{ name: 'c', image: 'netledger/echo' }] },
    status: { phase: 'Running', podIP: ip, podIPs: [{ ip }] },
  };
}

function allowFrom(ns: string, name: string, to: Record<string, string>, from: Record<string, string>): KubeManifest {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name, namespace: ns },
    spec: { podSelector: { matchLabels: to }, policyTypes: ['Ingress'], ingress: [{ from: [{ podSelector: { matchLabels: from } }], ports: [{ port: 80, protocol: 'TCP' }] }] },
  };
}

/** Why a real Prometheus cannot run here (installing it as root when it is missing), or undefined. */
function prometheusUnavailable(): string | undefined {
  if (existsSync(PROMETHEUS)) return undefined;
  if (process.getuid?.() !== 0) return `${PROMETHEUS} is missing (Debian package prometheus) and installing it needs root`;
  const r = spawnSync('sh', ['-c', 'apt-get install -y -qq --no-install-recommends prometheus || (apt-get update -qq && apt-get install -y -qq --no-install-recommends prometheus)'], {
    stdio: 'ignore',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    timeout: 300_000,
  });
  return existsSync(PROMETHEUS) ? undefined : `${PROMETHEUS} is missing and apt-get could not install the Debian package prometheus (exit ${r.status})`;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

/** Asks Prometheus's HTTP API; undefined while it does not answer with success. */
async function promApi<T>(url: string): Promise<T | undefined> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
    if (!res.ok) return undefined;
    const body = (await res.json()) as { status: string; data: T };
    return body.status === 'success' ? body.data : undefined;
  } catch {
    return undefined;
  }
}

describe('metrics of a running stack', { timeout: 240_000 }, () => {
  let stack: ScenarioStack;
  let agent: RunningAgent;

  before(async () => {
    stack = await ScenarioStack.start('netledger-metrics');
    await stack.startServices();
    await stack.apply([namespace('shop'), pod('shop', 'web', '10.1.0.11', { app: 'web' }), pod('shop', 'client', '10.1.0.12', { app: 'client' })]);
    agent = await stack.startAgent({ node: NODE, datapath: 'memory', maps: new MemoryDatapathMaps() });
    await stack.settle();
    // A policy change after the agent programs its maps: a live change, whose delay is measured.
    await stack.apply([allowFrom('shop', 'web-from-client', { app: 'web' }, { app: 'client' })]);
    await stack.settle();
  });

  after(async () => {
    await stack?.stop();
  });

  it('serves the control-plane metrics with what the stack did', async () => {
    const all = await scrape(agent.statusUrl);
    // Events appended, by service and type.
    assert.ok((value(all, 'netledger_events_appended_total', { service: 'identity', type: 'EndpointUpserted' }) ?? 0) >= 2, 'two endpoints upserted');
    assert.equal(value(all, 'netledger_events_appended_total', { service: 'policy', type: 'PolicyAccepted' }), 1);
    // The outbox of every service, published by now (settle waited for the agent to consume every log).
    for (const service of ['identity', 'policy', 'lb']) assert.ok(value(all, 'netledger_outbox_backlog', { service }) !== undefined, `outbox backlog of ${service}`);
    // The agent's consumers, caught up.
    for (const service of ['identity', 'policy', 'lb']) {
      const consumer = `${NODE}-${service}`;
      assert.equal(value(all, 'netledger_consumer_lag_events', { service, consumer }), 0, `lag of ${consumer}`);
      assert.equal(value(all, 'netledger_consumer_lag_seconds', { service, consumer }), 0, `lag seconds of ${consumer}`);
    }
    // The live policy change reached this node's maps once.
    assert.equal(value(all, 'netledger_policy_implementation_delay_seconds_count', { node: NODE }), 1);
    const delay = value(all, 'netledger_policy_implementation_delay_seconds_sum', { node: NODE }) ?? -1;
    assert.ok(delay >= 0 && delay < WAIT_MS / 1000, `policy implementation delay ${delay} s`);
    // Map operations and pressure.
    assert.ok((value(all, 'netledger_map_operations_total', { map: 'nl_ipcache', operation: 'update', outcome: 'ok' }) ?? 0) >= 2, 'ipcache entries written');
    assert.ok((value(all, 'netledger_map_operations_total', { map: 'nl_policy', operation: 'update', outcome: 'ok' }) ?? 0) >= 1, 'policy entries written');
    const ipcache = agent.maps.ipcache;
    assert.equal(value(all, 'netledger_map_pressure', { map: ipcache.name, node: NODE }), ipcache.count() / ipcache.capacity);
    const policy = value(all, 'netledger_map_pressure', { map: 'nl_policy', node: NODE }) ?? -1;
    assert.ok(policy > 0 && policy <= 1, `nl_policy pressure ${policy}`);
    // Identities in use: the reserved ones and one per pod label set.
    assert.ok((value(all, 'netledger_identities', { kind: 'reserved' }) ?? 0) > 0, 'reserved identities');
    assert.equal(value(all, 'netledger_identities', { kind: 'cluster' }), 2);
    assert.equal(value(all, 'netledger_policies', { kind: 'NetworkPolicy', state: 'in_force' }), 1);
    assert.equal(value(all, 'netledger_policies', { kind: 'NetworkPolicy', state: 'rejected' }), 0);
    // The API server's own `default/kubernetes` service, if any, is what the LB service balances here.
    for (const object of ['services', 'frontends', 'backends']) assert.ok(value(all, 'netledger_lb_objects', { object }) !== undefined, `LB ${object}`);
    assert.ok((value(all, 'netledger_reconcile_duration_seconds_count', { node: NODE }) ?? 0) >= 1, 'reconcile runs timed');
    // prom-client's process metrics come with every registry.
    assert.ok(value(all, 'process_cpu_seconds_total') !== undefined);
  });

  it('the map pressure follows the maps: a deleted pod leaves ipcache', async () => {
    await stack.delete([{ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'client', namespace: 'shop' } }]);
    await stack.settle();
    const all = await scrape(agent.statusUrl);
    const ipcache = agent.maps.ipcache;
    assert.equal(value(all, 'netledger_map_pressure', { map: ipcache.name, node: NODE }), ipcache.count() / ipcache.capacity);
    assert.ok((value(all, 'netledger_map_operations_total', { map: ipcache.name, operation: 'delete', outcome: 'ok' }) ?? 0) >= 1);
  });

  it('a real Prometheus scrapes every component through its targets file and gives a series back', async (t) => {
    const why = prometheusUnavailable();
    if (why !== undefined) return t.skip(why);
    const dir = join(stack.root, 'prometheus');
    mkdirSync(dir, { recursive: true });
    // The file-based discovery every component of a stack writes into (deploy/prometheus/prometheus.yml does the same).
    writeFileSync(
      join(dir, 'prometheus.yml'),
      [
        'global:',
        '  scrape_interval: 1s',
        '  evaluation_interval: 1s',
        'scrape_configs:',
        '  - job_name: netledger',
        '    file_sd_configs:',
        `      - files: ['${join(stack.root, 'metrics-targets')}/*.json']`,
        '        refresh_interval: 1s',
        '',
      ].join('\n'),
    );
    const port = await freePort();
    const prometheus = spawn(
      PROMETHEUS,
      [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    prometheus.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
    t.after(() => stopProcess(prometheus));
    const api = `http://127.0.0.1:${port}/api/v1`;
    const describeRun = (): string => (prometheus.exitCode !== null ? `prometheus exited ${prometheus.exitCode}: ${stderr}` : stderr);

    type Targets = { activeTargets: Array<{ labels: Record<string, string>; health: string; lastError: string }> };
    const targets = await waitFor(
      'Prometheus to scrape the agent and the three services',
      async () => {
        const data = await promApi<Targets>(`${api}/targets`);
        const up = (data?.activeTargets ?? []).filter((x) => x.health === 'up').map((x) => x.labels['component']);
        return ['identity', 'policy', 'lb', `agent-${NODE}`].every((c) => up.includes(c)) ? data : undefined;
      },
      { describe: describeRun },
    );
    assert.ok(targets.activeTargets.every((x) => x.labels['job'] === 'netledger'));

    type Vector = { resultType: string; result: Array<{ metric: Record<string, string>; value: [number, string] }> };
    const query = encodeURIComponent('netledger_events_appended_total{component="policy",service="policy",type="PolicyAccepted"}');
    const vector = await waitFor('the series netledger_events_appended_total back from Prometheus', async () => {
      const data = await promApi<Vector>(`${api}/query?query=${query}`);
      return data && data.result.length > 0 ? data : undefined;
    }, { describe: describeRun });
    assert.equal(vector.resultType, 'vector');
    const [series] = vector.result;
    assert.equal(series?.metric['__name__'], 'netledger_events_appended_total');
    assert.equal(series?.metric['kind'], 'service');
    assert.equal(Number(series?.value[1]), 1);
  });
});

it('the example configuration under deploy/ is one Prometheus accepts', (t) => {
  const why = prometheusUnavailable();
  if (why !== undefined) return t.skip(why);
  if (!existsSync(PROMTOOL)) return t.skip(`${PROMTOOL} is missing (it comes with the Debian package prometheus)`);
  const r = spawnSync(PROMTOOL, ['check', 'config', EXAMPLE_CONFIG], { encoding: 'utf8' });
  assert.equal(r.status, 0, `${r.stdout}${r.stderr}`);
});
