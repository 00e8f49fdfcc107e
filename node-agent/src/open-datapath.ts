import { MemoryDatapathMaps, openPinnedDatapathMaps, probePinnedMaps, type DatapathMaps } from '@netledger/datapath';
import type { DatapathMode } from '@netledger/runtime';

/** The maps the agent programs, and why they are what they are. */
export interface OpenedDatapath {
  readonly maps: DatapathMaps;
  /** Set when the agent runs without kernel maps: the reason, for logs and status. */
  readonly degraded?: string;
}

/** The datapath could not be opened in `--datapath bpf` mode. */
export class DatapathRequiredError extends Error {
  override readonly name = 'DatapathRequiredError';
  constructor(
    readonly pinDir: string,
    readonly reason: string,
  ) {
    super(`--datapath bpf: cannot use BPF maps under ${pinDir}: ${reason}`);
  }
}

/**
 * Opens the node's maps for a mode: `bpf` insists on pinned kernel maps, `memory` never uses
 * them, `auto` uses them when a probe can create one and otherwise falls back to in-memory
 * maps with the reason (the caller says it loudly and `status` shows it).
 */
export function openDatapath(mode: DatapathMode, pinDir: string): OpenedDatapath {
  if (mode === 'memory') return { maps: new MemoryDatapathMaps(), degraded: 'in-memory maps (--datapath memory)' };
  const probe = probePinnedMaps(pinDir);
  if (probe.ok) return { maps: openPinnedDatapathMaps({ pinDir }) };
  if (mode === 'bpf') throw new DatapathRequiredError(pinDir, probe.reason);
  return { maps: new MemoryDatapathMaps(), degraded: `no BPF maps (${probe.reason}); in-memory maps only` };
}
