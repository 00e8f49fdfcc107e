import { fetchStatus, isAlive, readRunFiles, type ComponentStatus, type DataDir } from '@netledger/runtime';
import { printJson, table, type OutputFormat } from '../output.js';
import { readStackFile } from '../stack-file.js';
import { verboseLines } from './status-verbose.js';

export const STATUS_HELP = `Usage: netledger status [--data-dir DIR] [--verbose] [-o json]

Shows each component of the stack running from DIR: health, pid, its event log's last
sequence and outbox backlog (services), and each consumer's cursor and lag (agents); then, per
agent, its datapath: where its BPF maps are pinned (or NO DATAPATH and why), whether they are
programmed, their entries, any full map and any event it had to skip; whether the datapath
programs are loaded, and a KubeProxyReplacement line in cilium status's style (True with the
service features the programs implement, or False and why); packets the datapath dropped, by
reason. --verbose adds, in cilium status --verbose's style: every component's health and
lag, each agent's KubeProxyReplacement line, IPAM usage per node, every BPF map's entries
against its capacity, and the controllers that are failing (retrying controller work,
reconcile errors, full maps, pods that cannot start).
Exit code 0 when every component is healthy, 1 otherwise.`;

interface ComponentReport {
  readonly component: string;
  readonly kind: string;
  readonly pid: number;
  readonly healthy: boolean;
  readonly address: string;
  readonly detail: ComponentStatus | { readonly error: string };
}

export async function status(dataDir: DataDir, output: OutputFormat, verbose = false): Promise<number> {
  const stack = readStackFile(dataDir);
  const runs = readRunFiles(dataDir);
  const reports: ComponentReport[] = await Promise.all(
    runs.map(async (r): Promise<ComponentReport> => {
      if (!isAlive(r.pid)) {
        return { component: r.component, kind: r.kind, pid: r.pid, healthy: false, address: r.statusUrl ?? '-', detail: { error: 'process is not running' } };
      }
      if (r.kind === 'nats') return natsReport(r.component, r.pid, r.statusUrl ?? '');
      if (r.kind === 'apiserver') return apiServerReport(r.component, r.pid, r.statusUrl ?? '');
      const s = r.statusUrl ? await fetchStatus(r.statusUrl) : undefined;
      return {
        component: r.component,
        kind: r.kind,
        pid: r.pid,
        healthy: s?.healthy === true,
        address: r.statusUrl ?? '-',
        detail: s ?? { error: 'status endpoint does not answer' },
      };
    }),
  );
  const healthy = reports.length > 0 && reports.every((r) => r.healthy);
  if (output === 'json') {
    printJson({ dataDir: dataDir.root, running: reports.length > 0, healthy, nats: stack?.natsUrl ?? null, components: reports });
    return healthy ? 0 : 1;
  }
  if (reports.length === 0) {
    console.log(`no stack runs from ${dataDir.root} (start one with netledger up)`);
    return 1;
  }
  console.log(`Data dir:   ${dataDir.root}`);
  if (stack) console.log(`NATS:       ${stack.natsUrl}`);
  console.log('');
  console.log(
    table(
      ['COMPONENT', 'KIND', 'HEALTH', 'PID', 'LOG SEQ', 'OUTBOX', 'CONSUMERS (cursor/lag)'],
      reports.map((r) => [r.component, r.kind, r.healthy ? 'OK' : `FAIL${'error' in r.detail ? `: ${String(r.detail.error)}` : ''}`, String(r.pid), ...columns(r)]),
    ),
  );
  for (const r of reports) {
    const line = datapathLine(r);
    if (line) console.log(`\n${r.component} datapath: ${line}`);
    for (const l of programLines(r)) console.log(l);
  }
  if (verbose) for (const l of verboseLines(reports.map((r) => ({ ...r, detail: r.detail as unknown as Record<string, unknown> })))) console.log(l);
  return healthy ? 0 : 1;
}

/** One line on an agent's maps: where, whether programmed, entries, full maps, skipped events. */
function datapathLine(r: ComponentReport): string | undefined {
  const d = (r.detail as Record<string, unknown>)['datapath'] as
    | {
        kind?: string;
        location?: string;
        degraded?: string;
        programming?: boolean;
        held?: string[];
        desired?: { entries?: Record<string, number> };
        reconciler?: { mapFull?: Array<{ map: string; capacity: number; pending: number }>; pendingOperations?: number };
        rejectedEvents?: number;
        lastError?: string;
      }
    | undefined;
  if (!d || typeof d !== 'object') return undefined;
  const entries = Object.entries(d.desired?.entries ?? {})
    .map(([m, n]) => `${m} ${n}`)
    .join(', ');
  const parts = [
    d.kind === 'pinned' ? `BPF maps pinned at ${d.location}` : `NO DATAPATH (${d.degraded ?? 'in-memory maps'})`,
    d.programming ? (d.held?.length ? `writes held while ${d.held.join(', ')} re-bootstraps` : 'programmed') : 'waiting for every stream to catch up',
    entries ? `entries: ${entries}` : '',
    ...(d.reconciler?.mapFull ?? []).map((f) => `MAP FULL: ${f.map} (capacity ${f.capacity}, ${f.pending} waiting)`),
    d.rejectedEvents ? `${d.rejectedEvents} events skipped` : '',
    d.lastError ? `error: ${d.lastError}` : '',
  ];
  return parts.filter(Boolean).join('; ');
}

interface ProgramsDetail {
  loaded?: boolean;
  reason?: string;
  programsDir?: string;
  hostCgroup?: string;
  hostReason?: string;
  kubeProxyReplacement?: { enabled?: boolean; features?: string[] };
  counters?: Array<{ verdict: string; reason: string; direction: string; packets: string | number }>;
}

/** The programs, the KubeProxyReplacement line and the drop counters of one agent. */
function programLines(r: ComponentReport): string[] {
  const p = ((r.detail as Record<string, unknown>)['datapath'] as { programs?: ProgramsDetail } | undefined)?.programs;
  if (!p) return [];
  const kpr = p.kubeProxyReplacement;
  const lines = [
    `  Programs:             ${p.loaded ? `loaded (${p.programsDir ?? '?'})` : `NOT LOADED (${p.reason ?? 'unknown'})`}`,
    `  KubeProxyReplacement: ${kpr?.enabled ? `True [${(kpr.features ?? []).join(', ')}]` : `False (${p.reason ?? 'programs not loaded'})`}`,
  ];
  if (p.loaded) lines.push(`  Host services:        ${p.hostCgroup ? `socket programs on ${p.hostCgroup}` : `off (${p.hostReason ?? 'unknown'})`}`);
  const drops = (p.counters ?? []).filter((c) => c.verdict === 'DROPPED' && Number(c.packets) > 0);
  if (drops.length) lines.push(`  Drops:                ${drops.map((c) => `${c.reason} ${c.direction} ${String(c.packets)}`).join(', ')}`);
  return lines;
}

function columns(r: ComponentReport): [string, string, string] {
  const d = r.detail as Record<string, unknown>;
  const log = d['log'] as { lastSeq?: number; outboxBacklog?: number } | undefined;
  const consumers = d['consumers'] as Array<{ service: string; cursor: number; lag: number; inSync: boolean }> | undefined;
  return [
    log?.lastSeq !== undefined ? String(log.lastSeq) : '-',
    log?.outboxBacklog !== undefined ? String(log.outboxBacklog) : '-',
    consumers ? consumers.map((c) => `${c.service} ${c.cursor}/${c.lag}${c.inSync ? '' : ' (syncing)'}`).join(', ') : '-',
  ];
}

async function apiServerReport(component: string, pid: number, url: string): Promise<ComponentReport> {
  try {
    const res = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(2000) });
    return { component, kind: 'apiserver', pid, healthy: res.ok, address: url, detail: { component, healthy: res.ok, readyz: await res.text() } };
  } catch (e) {
    return { component, kind: 'apiserver', pid, healthy: false, address: url, detail: { error: `readyz: ${(e as Error).message}` } };
  }
}

async function natsReport(component: string, pid: number, monitorUrl: string): Promise<ComponentReport> {
  try {
    const res = await fetch(`${monitorUrl}/healthz?js-enabled-only=true`, { signal: AbortSignal.timeout(2000) });
    const body = (await res.json()) as Record<string, unknown>;
    const js = await fetch(`${monitorUrl}/jsz`, { signal: AbortSignal.timeout(2000) }).then((r) => r.json() as Promise<Record<string, unknown>>);
    return {
      component,
      kind: 'nats',
      pid,
      healthy: res.ok,
      address: monitorUrl,
      detail: { component, healthy: res.ok, health: body, streams: js['streams'], messages: js['messages'], bytes: js['bytes'] },
    };
  } catch (e) {
    return { component, kind: 'nats', pid, healthy: false, address: monitorUrl, detail: { error: `monitor endpoint: ${(e as Error).message}` } };
  }
}
