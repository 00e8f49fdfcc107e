import type { KubeTable } from './kube-client.js';
import { isRecord } from './to-kube-object.js';

/**
 * Our KubeTable from a `meta.k8s.io/v1 Table`: column names upper-cased as kubectl prints them,
 * priority-0 columns only unless `wide`, each row's namespace and name from its metadata.
 */
export function fromServerTable(table: Record<string, unknown>, wide: boolean): KubeTable {
  const definitions = Array.isArray(table['columnDefinitions']) ? table['columnDefinitions'] : [];
  const shown = definitions.map((d, i) => ({ i, d: isRecord(d) ? d : {} })).filter(({ d }) => wide || !(Number(d['priority'] ?? 0) > 0));
  const rows = Array.isArray(table['rows']) ? table['rows'] : [];
  return {
    columns: shown.map(({ d }) => String(d['name'] ?? '').toUpperCase()),
    rows: rows.map((row) => {
      const r = isRecord(row) ? row : {};
      const cells = Array.isArray(r['cells']) ? r['cells'] : [];
      const metadata = isRecord(r['object']) && isRecord(r['object']['metadata']) ? r['object']['metadata'] : {};
      return {
        namespace: typeof metadata['namespace'] === 'string' ? metadata['namespace'] : undefined,
        name: typeof metadata['name'] === 'string' ? metadata['name'] : String(cells[0] ?? ''),
        cells: shown.map(({ i }) => cellText(cells[i])),
      };
    }),
  };
}

function cellText(v: unknown): string {
  if (v === undefined || v === null) return '';
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}
