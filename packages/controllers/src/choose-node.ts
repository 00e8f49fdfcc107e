import type { Node, Pod } from '@netledger/k8s';
import { isPodTerminal } from './pod-state.js';

/** A node pods may go to: its Ready condition is True and it is not cordoned. */
export function isNodeSchedulable(node: Node): boolean {
  const spec = node.spec as { unschedulable?: boolean } | undefined;
  if (spec?.unschedulable === true) return false;
  const conditions = (node.status as { conditions?: ReadonlyArray<{ type?: string; status?: string }> } | undefined)?.conditions ?? [];
  return conditions.some((c) => c.type === 'Ready' && c.status === 'True');
}

/**
 * The schedulable node with the fewest pods that have not finished, ties by name (so a spread
 * is deterministic); undefined when no node is schedulable.
 */
export function chooseNode(nodes: readonly Node[], pods: readonly Pod[]): string | undefined {
  const load = new Map<string, number>();
  for (const pod of pods) {
    const node = pod.spec?.nodeName;
    if (node && !isPodTerminal(pod)) load.set(node, (load.get(node) ?? 0) + 1);
  }
  let best: { name: string; pods: number } | undefined;
  for (const node of nodes) {
    if (!isNodeSchedulable(node)) continue;
    const name = node.metadata.name;
    const count = load.get(name) ?? 0;
    if (!best || count < best.pods || (count === best.pods && name < best.name)) best = { name, pods: count };
  }
  return best?.name;
}
