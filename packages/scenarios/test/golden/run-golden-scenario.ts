import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseManifests, type KubeManifest } from '@netledger/k8s';
import { dumpDatapath } from '../support/dump-datapath.js';
import { ScenarioStack } from '../support/scenario-stack.js';

/** The node the agent runs as; scenario pods on other nodes are remote endpoints. */
export const SCENARIO_NODE = 'node-a';

/** Annotation marking a step document as a deletion of the object it names. */
export const DELETE_ANNOTATION = 'scenario.netledger.io/step';

/** Which maps the scenario's agent programs. */
export type ScenarioDatapath = { readonly kind: 'memory' } | { readonly kind: 'pinned'; readonly pinDir: string };

/**
 * Runs one scenario directory on a fresh stack and returns the dump of the agent's maps after
 * each step:
 * - the services start on an empty cluster; `cluster.yaml` is applied document by document,
 *   each decided before the next; then the agent starts on what they published (its bootstrap);
 * - `step-2.yaml` (optional) is then applied the same way while the agent runs; a document
 *   annotated `scenario.netledger.io/step: delete` deletes the object it names instead.
 * Each document ends at the stack's barrier (services decided; agent, once started, consumed
 * and reconciled), so the ids everything allocates follow the file order.
 */
export async function runGoldenScenario(dir: string, datapath: ScenarioDatapath): Promise<string> {
  const stack = await ScenarioStack.start('netledger-golden');
  try {
    await stack.startServices();
    await applyInOrder(stack, read(join(dir, 'cluster.yaml')));
    const agent = await stack.startAgent({
      node: SCENARIO_NODE,
      datapath: datapath.kind === 'memory' ? 'memory' : 'bpf',
      ...(datapath.kind === 'pinned' ? { pinDir: datapath.pinDir } : {}),
    });
    await stack.settle();
    const dumps = [`# after cluster.yaml\n\n${dumpDatapath(agent.maps)}`];
    const step2 = join(dir, 'step-2.yaml');
    if (existsSync(step2)) {
      await applyInOrder(stack, read(step2));
      dumps.push(`# after step-2.yaml\n\n${dumpDatapath(agent.maps)}`);
    }
    assertHealthy(agent.datapath.status(), stack.log);
    return dumps.join('\n');
  } finally {
    await stack.stop();
  }
}

/**
 * One document at a time, each decided by the services before the next: identity numbers,
 * endpoint ids and LB ids follow arrival order, so the order is the file's, every run.
 */
async function applyInOrder(stack: ScenarioStack, manifests: readonly KubeManifest[]): Promise<void> {
  for (const m of manifests) {
    if (isDeletion(m)) await stack.delete([m]);
    else await stack.apply([m]);
    await stack.settle();
  }
}

function read(file: string): KubeManifest[] {
  return parseManifests(readFileSync(file, 'utf8'), file).map((m) => m.object);
}

function isDeletion(m: KubeManifest): boolean {
  const annotations = m.metadata['annotations'] as Record<string, unknown> | undefined;
  return annotations?.[DELETE_ANNOTATION] === 'delete';
}

/** A scenario whose events were rejected or whose maps could not take them is no golden. */
function assertHealthy(status: { rejectedEvents: number; lastError?: string; reconciler: { mapFull: readonly unknown[]; pendingOperations: number } }, log: readonly string[]): void {
  const problems = [
    ...(status.rejectedEvents > 0 ? [`${status.rejectedEvents} events rejected`] : []),
    ...(status.lastError !== undefined ? [`reconcile failed: ${status.lastError}`] : []),
    ...(status.reconciler.mapFull.length > 0 ? [`maps full: ${JSON.stringify(status.reconciler.mapFull)}`] : []),
    ...(status.reconciler.pendingOperations > 0 ? [`${status.reconciler.pendingOperations} map operations pending`] : []),
  ];
  if (problems.length > 0) throw new Error(`the agent is not healthy after the scenario: ${problems.join('; ')}\n${log.filter((l) => l.startsWith('ERROR')).join('\n')}`);
}
