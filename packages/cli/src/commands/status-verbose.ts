import { MAP_CAPACITY } from '@netledger/datapath';

/** What `status --verbose` reads of each component's report. */
export interface VerboseComponent {
  readonly component: string;
  readonly kind: string;
  readonly healthy: boolean;
  readonly address: string;
  readonly detail: Record<string, unknown>;
}

interface QueueStats {
  queued?: number;
  retrying?: number;
  syncs?: number;
  failures?: number;
  lastError?: string;
}

/**
 * The `cilium status --verbose` style section: one block per concern (API server, NATS,
 * services, agents and their KubeProxyReplacement, IPAM, BPF maps and their fill, controllers
 * failing), each line naming the component it comes from.
 */
export function verboseLines(components: readonly VerboseComponent[]): string[] {
  const out: string[] = [];
  const of = (kind: string): VerboseComponent[] => components.filter((c) => c.kind === kind);
  const health = (c: VerboseComponent): string => (c.healthy ? 'OK' : `FAILING${typeof c.detail['error'] === 'string' ? ` (${c.detail['error']})` : ''}`);

  const line = (label: string, c: VerboseComponent, rest: string): string => `  ${`${label}:`.padEnd(26)} ${health(c).padEnd(4)} ${rest}`;
  out.push('', 'Cluster:');
  for (const c of of('apiserver')) out.push(line('Kubernetes API', c, c.address));
  for (const c of of('nats')) out.push(line('NATS JetStream', c, c.address));
  for (const c of of('service')) {
    const log = c.detail['log'] as { lastSeq?: number; outboxBacklog?: number } | undefined;
    out.push(line(`Service ${c.component}`, c, `log seq ${log?.lastSeq ?? '?'}, outbox ${log?.outboxBacklog ?? '?'} waiting`));
  }
  for (const c of of('agent')) {
    const consumers = (c.detail['consumers'] as Array<{ service: string; lag: number; inSync: boolean }> | undefined) ?? [];
    const lag = consumers.map((x) => `${x.service} ${x.lag}${x.inSync ? '' : ' (syncing)'}`).join(', ');
    out.push(line(`Agent ${c.component}`, c, `lag: ${lag || '-'}`));
    const programs = (c.detail['datapath'] as { programs?: { loaded?: boolean; reason?: string; kubeProxyReplacement?: { enabled?: boolean; features?: string[] } } } | undefined)?.programs;
    const kpr = programs?.kubeProxyReplacement;
    out.push(`    ${'KubeProxyReplacement:'.padEnd(24)} ${kpr?.enabled ? `True [${(kpr.features ?? []).join(', ')}]` : `False (${programs?.reason ?? 'programs not loaded'})`}`);
  }
  for (const c of [...of('runtime'), ...of('controllers')]) out.push(line(c.kind === 'runtime' ? `Node runtime ${c.component}` : 'Controllers', c, c.address));

  const runtimes = of('runtime');
  if (runtimes.length) {
    out.push('', 'IPAM:');
    for (const r of runtimes) {
      const cidr = r.detail['podCidr'];
      const pods = Number(r.detail['pods'] ?? 0);
      const size = typeof cidr === 'string' ? usableAddresses(cidr) : undefined;
      out.push(`  ${String(r.detail['node'] ?? r.component)}: ${pods}/${size ?? '?'} addresses allocated from ${String(cidr ?? '?')}${size ? ` (${percent(pods / size)})` : ''}`);
    }
  }

  const agents = of('agent');
  if (agents.length) {
    out.push('', 'BPF maps (entries / capacity):');
    for (const a of agents) {
      const d = a.detail['datapath'] as { kind?: string; location?: string; desired?: { entries?: Record<string, number>; largestPolicyMap?: number } } | undefined;
      if (!d) continue;
      out.push(`  ${a.component} (${d.kind === 'pinned' ? d.location : 'in-memory maps'}):`);
      const entries = d.desired?.entries ?? {};
      for (const [map, n] of Object.entries(entries)) {
        if (map === 'policy') {
          const largest = d.desired?.largestPolicyMap ?? 0;
          out.push(`    ${'policy'.padEnd(12)} ${n} entries in all endpoint maps; fullest ${largest}/${MAP_CAPACITY.policy} (${percent(largest / MAP_CAPACITY.policy)})`);
          continue;
        }
        const cap = (MAP_CAPACITY as Record<string, number>)[map];
        out.push(`    ${map.padEnd(12)} ${n}/${cap ?? '?'}${cap ? ` (${percent(n / cap)})` : ''}`);
      }
    }
  }

  out.push('', 'Controllers failing:');
  const failing: string[] = [];
  for (const c of of('controllers')) {
    for (const name of ['deployments', 'scheduler', 'endpointSlices']) {
      const q = c.detail[name] as QueueStats | undefined;
      if (q && (q.retrying ?? 0) > 0) failing.push(`  ${c.component}/${name}: ${q.retrying} retrying, ${q.failures ?? 0} failures; last: ${q.lastError ?? '?'}`);
    }
  }
  for (const a of agents) {
    const d = a.detail['datapath'] as { lastError?: string; rejectedEvents?: number; reconciler?: { mapFull?: Array<{ map: string }> } } | undefined;
    if (d?.lastError) failing.push(`  ${a.component}/reconciler: ${d.lastError}`);
    for (const f of d?.reconciler?.mapFull ?? []) failing.push(`  ${a.component}/reconciler: map ${f.map} is full`);
  }
  for (const r of runtimes) {
    const problems = Number(r.detail['podsWithProblems'] ?? 0);
    if (problems > 0) failing.push(`  ${r.component}/pods: ${problems} pods cannot start${r.detail['lastError'] ? `; last: ${String(r.detail['lastError'])}` : ''}`);
  }
  out.push(...(failing.length ? failing : ['  none']));
  return out;
}

/** Host addresses of an IPv4 prefix that pods can get (network, router and broadcast left out). */
function usableAddresses(cidr: string): number | undefined {
  const bits = Number(cidr.split('/')[1]);
  if (!Number.isInteger(bits) || bits < 0 || bits > 30) return undefined;
  return 2 ** (32 - bits) - 3;
}

function percent(ratio: number): string {
  return `${(ratio * 100).toFixed(ratio < 0.01 && ratio > 0 ? 2 : 0)}%`;
}
