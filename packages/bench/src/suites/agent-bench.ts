import type { Figure } from '../figures.js';
import { mapUpdateRate } from './agent/map-update-rate.js';

/** The node agent: batched writes into pinned BPF maps. */
export async function agentBench(report: (f: Figure) => void): Promise<void> {
  mapUpdateRate(report);
}
