import { processCounter } from '@netledger/runtime';
import type { Flow } from './flow.js';

const processed = () =>
  processCounter({
    name: 'netledger_flows_processed_total',
    help: 'Flows the agent read from the datapath, by type (l3_l4: a forwarded connection of a pod, trace: a host socket translated, drop) and verdict',
    labelNames: ['type', 'verdict', 'node'] as const,
  });
const drops = () =>
  processCounter({ name: 'netledger_drop_total', help: 'Dropped flows by drop reason and protocol', labelNames: ['reason', 'protocol', 'node'] as const });
const tcpFlags = () =>
  processCounter({ name: 'netledger_tcp_flags_total', help: 'TCP flags seen in flows (one count per flag set)', labelNames: ['flag', 'node'] as const });
const ports = () =>
  processCounter({
    name: 'netledger_port_distribution_total',
    help: 'Flows by destination port and protocol (TCP and UDP)',
    labelNames: ['port', 'protocol', 'node'] as const,
  });

/** Hubble's flow types, as the metric's `type` label names them. */
export function flowType(flow: Flow): 'drop' | 'trace' | 'l3_l4' {
  if (flow.verdict === 'DROPPED') return 'drop';
  return flow.observation === 'host-socket' ? 'trace' : 'l3_l4';
}

/**
 * The flow metrics of one agent. Flows are counted per batch into plain maps and added to the
 * counters once per distinct label set, so a burst costs a few counter updates, not one per flow.
 */
export class FlowMetrics {
  readonly #node: string;
  readonly #processed = processed();
  readonly #drops = drops();
  readonly #tcpFlags = tcpFlags();
  readonly #ports = ports();

  constructor(node: string) {
    this.#node = node;
  }

  count(flows: readonly Flow[]): void {
    if (flows.length === 0) return;
    const byType = new Map<string, number>();
    const byDrop = new Map<string, number>();
    const byFlag = new Map<string, number>();
    const byPort = new Map<string, number>();
    for (const f of flows) {
      bump(byType, `${flowType(f)}|${f.verdict}`);
      if (f.verdict === 'DROPPED') bump(byDrop, `${f.dropReason ?? 'unknown'}|${f.l4.protocol}`);
      for (const flag of f.l4.tcpFlags ?? []) bump(byFlag, flag);
      if ((f.l4.protocol === 'TCP' || f.l4.protocol === 'UDP') && !f.isReply) bump(byPort, `${f.l4.destinationPort}|${f.l4.protocol}`);
    }
    const node = this.#node;
    for (const [k, n] of byType) {
      const [type, verdict] = k.split('|') as [string, string];
      this.#processed.inc({ type, verdict, node }, n);
    }
    for (const [k, n] of byDrop) {
      const [reason, protocol] = k.split('|') as [string, string];
      this.#drops.inc({ reason, protocol, node }, n);
    }
    for (const [flag, n] of byFlag) this.#tcpFlags.inc({ flag, node }, n);
    for (const [k, n] of byPort) {
      const [port, protocol] = k.split('|') as [string, string];
      this.#ports.inc({ port, protocol, node }, n);
    }
  }
}

function bump(map: Map<string, number>, key: string): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}
