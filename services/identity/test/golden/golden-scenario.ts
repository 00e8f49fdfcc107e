import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { EventEnvelope } from '@netledger/contracts';
import { objectKey, type KubeObject, type MemoryClusterSources, type MemoryObjectSource } from '@netledger/k8s';
import { parseDuration, type IdentityOptions } from '../../src/index.js';
import { IdentityHarness } from '../support/identity-harness.js';

/** One event as the golden files hold it: what it says, without ids, sequence numbers or times. */
export interface GoldenEvent {
  readonly type: string;
  readonly stream: string;
  readonly version: number;
  readonly cause: string;
  readonly data: unknown;
}

export interface GoldenStep {
  readonly step: string;
  readonly events: readonly GoldenEvent[];
}

/**
 * Runs a scenario directory: each `NN-<verb>-<what>.yaml` file is one step, in name order.
 * - apply:   every document (Namespace, Pod, NetworkPolicy, CiliumNetworkPolicy,
 *            CiliumClusterwideNetworkPolicy) is created or updated, as a watch delivers it;
 * - delete:  every document names an object (kind, namespace, name) to delete;
 * - advance: `{ minutes: N }` moves the clock, then the garbage collector runs;
 * - restart: the domain stops and a new one starts on the same log and sources.
 * `options.yaml` (optional) sets `gcGrace`, `labelExclude`, `clusterRange: { first, last }`.
 * Returns the events each step appended, after the reserved identities.
 */
export async function runScenario(dir: string): Promise<GoldenStep[]> {
  const h = await IdentityHarness.start({ identity: scenarioOptions(dir) });
  let resourceVersion = 0;
  const stamp = <T extends KubeObject>(o: T): T => ({
    ...o,
    metadata: {
      ...o.metadata,
      uid: o.metadata.uid ?? `uid-${o.metadata.namespace ? `${o.metadata.namespace}-` : 'ns-'}${o.metadata.name}`,
      resourceVersion: String(++resourceVersion),
    },
  });
  try {
    let seq = await h.lastSeq();
    const steps: GoldenStep[] = [];
    for (const file of readdirSync(dir).filter((f) => /^\d+-\w+.*\.yaml$/.test(f)).sort()) {
      const verb = file.replace(/\.yaml$/, '').split('-')[1];
      const docs = readDocuments(join(dir, file));
      if (verb === 'apply') {
        for (const o of docs) await sourceOf(h.sources, o, file).upsert(stamp(o));
      } else if (verb === 'delete') {
        for (const o of docs) {
          const source = sourceOf(h.sources, o, file);
          const last = source.list().find((x) => objectKey(x) === objectKey(o));
          if (!last) throw new Error(`${file}: ${String(o.kind)} ${objectKey(o)} does not exist`);
          await source.delete(last);
        }
      } else if (verb === 'advance') {
        const minutes = (docs[0] as unknown as { minutes?: number } | undefined)?.minutes;
        if (typeof minutes !== 'number') throw new Error(`${file}: expected { minutes: N }`);
        h.clock.advance(minutes * 60_000);
        await h.domain.collectGarbage();
      } else if (verb === 'restart') {
        await h.restart();
      } else {
        throw new Error(`${file}: unknown step verb ${String(verb)} (apply, delete, advance, restart)`);
      }
      await h.domain.settled();
      const events = await h.events(seq + 1);
      seq = await h.lastSeq();
      steps.push({ step: file, events: events.map(golden) });
    }
    return steps;
  } finally {
    await h.close();
  }
}

function sourceOf(sources: MemoryClusterSources, o: KubeObject, file: string): MemoryObjectSource<KubeObject> {
  const byKind: Record<string, MemoryObjectSource<KubeObject>> = {
    Namespace: sources.namespaceSource as MemoryObjectSource<KubeObject>,
    Pod: sources.podSource as MemoryObjectSource<KubeObject>,
    NetworkPolicy: sources.networkPolicySource,
    CiliumNetworkPolicy: sources.cnpSource,
    CiliumClusterwideNetworkPolicy: sources.ccnpSource,
  };
  const source = typeof o.kind === 'string' ? byKind[o.kind] : undefined;
  if (!source) throw new Error(`${file}: cannot apply kind ${String(o.kind)}`);
  return source;
}

function readDocuments(file: string): KubeObject[] {
  return parseAllDocuments(readFileSync(file, 'utf8'))
    .map((d) => d.toJS() as KubeObject | null)
    .filter((o): o is KubeObject => o !== null);
}

function scenarioOptions(dir: string): IdentityOptions {
  const file = join(dir, 'options.yaml');
  if (!existsSync(file)) return {};
  const raw = (parseAllDocuments(readFileSync(file, 'utf8'))[0]?.toJS() ?? {}) as {
    gcGrace?: string;
    labelExclude?: string[];
    clusterRange?: { first: number; last: number };
  };
  return {
    ...(raw.gcGrace !== undefined ? { gcGraceMs: parseDuration('gcGrace', raw.gcGrace) } : {}),
    ...(raw.labelExclude ? { labelExclude: raw.labelExclude.map((s) => new RegExp(s)) } : {}),
    ...(raw.clusterRange ? { clusterRange: raw.clusterRange } : {}),
  };
}

function golden(e: EventEnvelope): GoldenEvent {
  const c = e.cause;
  const cause = c.kind === 'command' ? `command: ${c.command}` : `${c.objectKind} ${c.namespace ? `${c.namespace}/` : ''}${c.name}`;
  return { type: e.type, stream: e.stream, version: e.version, cause, data: e.data };
}
