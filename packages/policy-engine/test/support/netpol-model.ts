// The cluster of the upstream Kubernetes network policy e2e tests: namespaces x, y, z, each with
// pods a, b, c serving 80 and 81 over TCP, UDP and SCTP under names like serve-80-tcp.
import { AssertionError } from 'node:assert';
import { parse as parseYaml, parseAllDocuments } from 'yaml';
import {
  formatReachabilityMatrix,
  parsePolicy,
  type EndpointPeer,
  type NamedPort,
  type NormalizedPolicy,
  type ReachabilityMatrix,
} from '@netledger/policy-engine';

export const NAMESPACES = ['x', 'y', 'z'] as const;
export const POD_NAMES = ['a', 'b', 'c'] as const;

function namedPorts(): NamedPort[] {
  const out: NamedPort[] = [];
  for (const port of [80, 81]) {
    for (const protocol of ['TCP', 'UDP', 'SCTP'] as const) out.push({ name: `serve-${port}-${protocol.toLowerCase()}`, port, protocol });
  }
  return out;
}

export const PODS: readonly EndpointPeer[] = NAMESPACES.flatMap((ns, n) =>
  POD_NAMES.map((name, p) => ({
    kind: 'endpoint' as const,
    namespace: ns,
    name,
    labels: { pod: name },
    namespaceLabels: { ns },
    serviceAccount: 'default',
    ips: [`192.168.${n + 1}.${p + 10}`, `fd00:${n + 1}::${p + 10}`],
    namedPorts: namedPorts(),
  })),
);

export function pod(key: string): EndpointPeer {
  const found = PODS.find((p) => `${p.namespace}/${p.name}` === key);
  if (found === undefined) throw new Error(`no pod ${key} in the model`);
  return found;
}

/** Parses one YAML policy that must be valid; a rejected fixture fails the test with its errors. */
export function policy(text: string): NormalizedPolicy {
  const result = parsePolicy(parseYaml(text));
  if (!result.ok) throw new Error(`fixture rejected:\n${result.errors.map((e) => `${e.object} ${e.field}: ${e.message}`).join('\n')}`);
  return result.policy;
}

/** Parses every document of a multi-document YAML string. */
export function policies(text: string): NormalizedPolicy[] {
  return parseAllDocuments(text).map((doc) => policy(doc.toString()));
}

type Cell = 'ALLOWED' | 'DENIED';

/**
 * Reads a written-out matrix: a header row of destinations, then one row per source with `.` (allowed)
 * or `X` (denied) per destination.
 */
export function parseExpectedMatrix(text: string): Record<string, Record<string, Cell>> {
  const lines = text.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  const header = lines[0]?.split(/\s+/) ?? [];
  const out: Record<string, Record<string, Cell>> = {};
  for (const line of lines.slice(1)) {
    const [from, ...cells] = line.split(/\s+/);
    if (from === undefined || cells.length !== header.length) throw new Error(`bad expected matrix row: ${line}`);
    out[from] = Object.fromEntries(cells.map((c, i) => {
      if (c !== '.' && c !== 'X') throw new Error(`bad cell ${c} in row ${from}`);
      return [header[i]!, c === '.' ? 'ALLOWED' : 'DENIED'];
    }));
  }
  return out;
}

/** Fails with both grids and one line per wrong cell, so a broken case reads like the upstream e2e output. */
export function assertMatrix(actual: ReachabilityMatrix, expectedText: string): void {
  const expected = parseExpectedMatrix(expectedText);
  const wrong: string[] = [];
  const keys = new Set([...Object.keys(expected), ...Object.keys(actual.matrix)]);
  for (const from of keys) {
    const cols = new Set([...Object.keys(expected[from] ?? {}), ...Object.keys(actual.matrix[from] ?? {})]);
    for (const to of cols) {
      const want = expected[from]?.[to];
      const got = actual.matrix[from]?.[to];
      if (want !== got) wrong.push(`  ${from} -> ${to}: expected ${want ?? 'nothing'}, got ${got ?? 'nothing'}`);
    }
  }
  if (wrong.length === 0) return;
  const expectedGrid = formatReachabilityMatrix({ port: actual.port, matrix: expected });
  throw new AssertionError({
    message: [
      `reachability on ${actual.port} differs in ${wrong.length} cell(s):`,
      ...wrong,
      'expected:',
      expectedGrid,
      'actual:',
      formatReachabilityMatrix(actual),
    ].join('\n'),
  });
}

/** Every flow allowed: what the cluster looks like with no policy at all. */
export const ALL_ALLOWED = `
      x/a x/b x/c y/a y/b y/c z/a z/b z/c
  x/a  .   .   .   .   .   .   .   .   .
  x/b  .   .   .   .   .   .   .   .   .
  x/c  .   .   .   .   .   .   .   .   .
  y/a  .   .   .   .   .   .   .   .   .
  y/b  .   .   .   .   .   .   .   .   .
  y/c  .   .   .   .   .   .   .   .   .
  z/a  .   .   .   .   .   .   .   .   .
  z/b  .   .   .   .   .   .   .   .   .
  z/c  .   .   .   .   .   .   .   .   .
`;
