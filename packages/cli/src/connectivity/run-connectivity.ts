import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { KubeClient, KubeObject } from '@netledger/k8s';
import { CliError } from '../cli-error.js';
import { runProbe, type ProbeReport } from '../commands/probe.js';
import { CHECK_NAMESPACE, CONNECTIVITY_PROBES, type ProbeSpec } from './connectivity-probes.js';
import { runningPod, type RunningPod } from './pod-target.js';
import { startWorldServer, WORLD } from './world-endpoint.js';

/** examples/connectivity-check.yaml in this checkout. */
export const CHECK_MANIFEST = fileURLToPath(new URL('../../../../examples/connectivity-check.yaml', import.meta.url));

/** One probe's line in the result. */
export interface ProbeOutcome {
  readonly name: string;
  readonly from: string;
  readonly to: string;
  readonly expected: 'connected' | 'dropped';
  /** What the last attempt got: connected, refused, timed-out or error. */
  readonly got: string;
  /** The datapath's verdict on the last attempt (e.g. `DROPPED (policy-denied)`), '-' when it connected. */
  readonly verdict: string;
  readonly pass: boolean;
  readonly attempts: number;
  readonly report: ProbeReport | undefined;
  readonly error?: string;
}

export interface ConnectivityOptions {
  readonly client: KubeClient;
  readonly pinDir: string | undefined;
  /** How long to wait for the workloads to be ready. */
  readonly readyTimeoutMs: number;
  /** How long one probe may keep retrying until it gets what it expects (policies and services settle). */
  readonly probeWindowMs: number;
  readonly log: (line: string) => void;
}

/** Applies the check, waits for it, runs every probe. */
export async function runConnectivityCheck(options: ConnectivityOptions): Promise<ProbeOutcome[]> {
  const k8s = await import('@netledger/k8s');
  const manifests = k8s.parseManifests(readFileSync(CHECK_MANIFEST, 'utf8'), CHECK_MANIFEST);
  const applied = await options.client.apply(manifests.map((m) => m.object));
  const failed = applied.filter((r) => r.outcome === 'failed');
  if (failed.length) throw new CliError(`connectivity check: ${failed.map((r) => `${r.resource.singular}/${r.name}: ${'error' in r ? r.error.message : ''}`).join('; ')}`);
  options.log(`applied ${CHECK_MANIFEST} (${applied.length} objects)`);
  const world = await startWorldServer();
  try {
    const pods = await waitForWorkloads(options, manifests.map((m) => m.object).filter((o) => o.kind === 'Deployment').map((o) => o.metadata.name));
    options.log(`every workload is ready (${pods.size} pods); probing`);
    const out: ProbeOutcome[] = [];
    for (const spec of CONNECTIVITY_PROBES) out.push(await runOne(spec, pods, options));
    return out;
  } finally {
    world.kill();
  }
}

/** Waits until every Deployment of the check has a Ready pod with an IP; returns one pod per Deployment. */
async function waitForWorkloads(options: ConnectivityOptions, deployments: readonly string[]): Promise<Map<string, RunningPod>> {
  const deadline = Date.now() + options.readyTimeoutMs;
  let missing: string[] = [...deployments];
  while (Date.now() < deadline) {
    const pods = await options.client.list('pods', CHECK_NAMESPACE);
    const ready = new Map<string, RunningPod>();
    for (const pod of pods) {
      const name = pod.metadata.labels?.['name'];
      if (!name || ready.has(name) || !isReady(pod)) continue;
      try {
        ready.set(name, runningPod(pod, 'connectivity check'));
      } catch {
        // No IP or netns yet: not ready.
      }
    }
    missing = deployments.filter((d) => !ready.has(d));
    if (missing.length === 0) return ready;
    await sleep(250);
  }
  throw new CliError(`connectivity check: not ready after ${options.readyTimeoutMs / 1000} s: ${missing.join(', ')} (see netledger get pods -n ${CHECK_NAMESPACE})`);
}

function isReady(pod: KubeObject): boolean {
  if (pod.metadata.deletionTimestamp) return false;
  const conditions = (pod as { status?: { conditions?: Array<{ type?: string; status?: string }> } }).status?.conditions ?? [];
  return conditions.some((c) => c.type === 'Ready' && c.status === 'True');
}

async function runOne(spec: ProbeSpec, pods: Map<string, RunningPod>, options: ConnectivityOptions): Promise<ProbeOutcome> {
  const source = spec.from === 'host' ? undefined : pods.get(spec.from.deployment);
  const from = spec.from === 'host' ? 'host' : `${CHECK_NAMESPACE}/${source?.name ?? spec.from.deployment}`;
  let to: { ip: string; port: number; label: string };
  try {
    to = await resolveTarget(spec, options.client);
  } catch (e) {
    return { name: spec.name, from, to: '?', expected: spec.expect, got: 'error', verdict: '-', pass: false, attempts: 0, report: undefined, error: (e as Error).message };
  }
  const deadline = Date.now() + options.probeWindowMs;
  let attempts = 0;
  let report: ProbeReport | undefined;
  // Retried until it gets what it expects or the window closes: a policy or a backend that was
  // just applied takes effect within the window; a real failure stays a failure.
  for (;;) {
    attempts += 1;
    report = await runProbe({ source, to: { ip: to.ip, port: to.port, proto: spec.proto }, timeoutMs: spec.expect === 'dropped' ? 1000 : 2000, pinDir: options.pinDir });
    if (passes(spec, report) || Date.now() >= deadline) break;
    await sleep(300);
  }
  const verdict = report.datapath ? (report.datapath.verdict === 'DROPPED' ? `DROPPED (${report.datapath.reason ?? '?'})` : 'FORWARDED') : report.result === 'connected' ? 'FORWARDED' : '-';
  return { name: spec.name, from, to: to.label, expected: spec.expect, got: report.result, verdict, pass: passes(spec, report), attempts, report };
}

/** Connected when it must; for a denied probe: not connected, and the datapath counted a policy drop for it. */
function passes(spec: ProbeSpec, r: ProbeReport): boolean {
  if (spec.expect === 'connected') return r.result === 'connected';
  return r.result !== 'connected' && r.datapath?.verdict === 'DROPPED' && (r.datapath.reason ?? '').startsWith('policy-');
}

async function resolveTarget(spec: ProbeSpec, client: KubeClient): Promise<{ ip: string; port: number; label: string }> {
  const t = spec.to;
  if (t.kind === 'world') return { ip: WORLD.ip, port: t.port, label: `world ${WORLD.ip}:${t.port}` };
  const [svc] = await client.get('services', t.service, CHECK_NAMESPACE);
  if (!svc) throw new CliError(`service ${CHECK_NAMESPACE}/${t.service} not found`);
  const spec_ = (svc as { spec?: { clusterIP?: string; ports?: Array<{ name?: string; port?: number; nodePort?: number }> } }).spec;
  const port = spec_?.ports?.find((p) => p.name === t.port);
  if (!port?.port) throw new CliError(`service ${CHECK_NAMESPACE}/${t.service} has no port named ${t.port}`);
  if (t.via === 'cluster-ip') {
    if (!spec_?.clusterIP || spec_.clusterIP === 'None') throw new CliError(`service ${CHECK_NAMESPACE}/${t.service} has no ClusterIP`);
    return { ip: spec_.clusterIP, port: port.port, label: `${t.service} ClusterIP ${spec_.clusterIP}:${port.port}` };
  }
  if (!port.nodePort) throw new CliError(`service ${CHECK_NAMESPACE}/${t.service} port ${t.port} has no nodePort`);
  const nodeIp = await nodeAddress(client);
  return { ip: nodeIp, port: port.nodePort, label: `${t.service} NodePort ${nodeIp}:${port.nodePort}` };
}

/** The InternalIP of the first Ready node (the node runtime registers it). */
async function nodeAddress(client: KubeClient): Promise<string> {
  const nodes = await client.list('nodes');
  for (const n of nodes) {
    const addresses = (n as { status?: { addresses?: Array<{ type?: string; address?: string }> } }).status?.addresses ?? [];
    const internal = addresses.find((a) => a.type === 'InternalIP')?.address;
    if (internal) return internal;
  }
  throw new CliError('no node has an InternalIP address (is the node runtime running?)');
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
