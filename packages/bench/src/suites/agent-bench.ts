import type { Figure } from '../figures.js';
import { agentMemory } from './agent/agent-memory.js';
import { fleetPropagation, seedCluster, singleAgentPropagation } from './agent/agent-propagation.js';
import { startLiveCluster } from './agent/live-cluster.js';
import { mapUpdateRate } from './agent/map-update-rate.js';

export interface AgentBenchOptions {
  /** Agents of the fleet propagation run (in this one process, on in-memory maps). */
  readonly agents: number;
}

export const AGENT_DEFAULTS: AgentBenchOptions = { agents: 50 };

/**
 * The node agent: batched writes into pinned BPF maps; end-to-end propagation (object changed
 * in the API -> entry in the map) through the real API server, services and NATS, with one
 * agent on pinned maps and with a fleet of agents in one process; one agent's memory at
 * 10,000 services and 100,000 endpoints, and what one service change makes it write.
 */
export async function agentBench(report: (f: Figure) => void, options: AgentBenchOptions = AGENT_DEFAULTS): Promise<void> {
  mapUpdateRate(report);
  const cluster = await startLiveCluster();
  try {
    const seeded = await seedCluster(cluster);
    await singleAgentPropagation(cluster, seeded, report);
    await fleetPropagation(cluster, options.agents, report);
  } finally {
    await cluster.stop();
  }
  await agentMemory(report);
}
