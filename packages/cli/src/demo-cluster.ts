import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where the demo cluster's manifests live in the repository. */
export const DEMO_DIR = fileURLToPath(new URL('../../../examples/demo/', import.meta.url));

/**
 * Applies the demo cluster (examples/demo/*.yaml, in name order) to the local API server,
 * with `${NODE}` replaced by the local node's name. Returns one line per object.
 */
export async function applyDemoCluster(kubeconfigPath: string, node: string): Promise<string[]> {
  const k8s = await import('@netledger/k8s');
  const files = readdirSync(DEMO_DIR).filter((f) => f.endsWith('.yaml')).sort();
  const manifests = files.flatMap((f) => k8s.parseManifests(readFileSync(join(DEMO_DIR, f), 'utf8').replaceAll('${NODE}', node), f));
  const client = k8s.createKubeClient({ kubeconfigPath });
  const results = await client.apply(manifests.map((m) => m.object));
  return results.map((r) =>
    r.outcome === 'failed' ? `${r.resource.singular}/${r.name}: ${r.error.message}` : `${r.resource.singular}/${r.name} ${r.outcome}`,
  );
}
