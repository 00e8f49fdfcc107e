import { readFileSync } from 'node:fs';
import { SERVICE_NAMES, type ServiceName } from '@netledger/contracts';
import type { DataDir } from '@netledger/runtime';

/**
 * What the UI needs from the stack file `netledger up` writes: the NATS URL, the nodes and each
 * service's storage. Read here rather than through the CLI, which sits above the UI (it starts
 * it), so the dependency points one way.
 */
export interface StackFacts {
  readonly natsUrl: string | undefined;
  readonly nodes: readonly string[];
  /** `--db` value of each service the stack recorded (`sqlite:PATH` or a postgres URL). */
  readonly services: Readonly<Partial<Record<ServiceName, string>>>;
}

/** Reads the stack file; a missing or unreadable one gives no facts (the stack is not up, or is starting). */
export function readStackFacts(dataDir: DataDir): StackFacts {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(dataDir.stackFile, 'utf8'));
  } catch {
    return { natsUrl: undefined, nodes: [], services: {} };
  }
  const stack = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  const nodes = Array.isArray(stack['nodes']) ? stack['nodes'].filter((n): n is string => typeof n === 'string') : [];
  const recorded = (typeof stack['services'] === 'object' && stack['services'] !== null ? stack['services'] : {}) as Record<string, unknown>;
  const services: Partial<Record<ServiceName, string>> = {};
  for (const s of SERVICE_NAMES) {
    const v = recorded[s];
    if (typeof v === 'string') services[s] = v;
  }
  return { natsUrl: typeof stack['natsUrl'] === 'string' ? stack['natsUrl'] : undefined, nodes, services };
}
