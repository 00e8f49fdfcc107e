import type { DecidingRule, ReachabilityMatrix, Verdict } from '../model/flow-query.js';

/** e.g. `NetworkPolicy x/allow-web ingress rule 0 (spec.ingress[0]): allow`. */
export function formatDecidingRule(rule: DecidingRule): string {
  switch (rule.effect) {
    case 'default-allow':
      return `${rule.direction}: no policy applies (default allow)`;
    case 'default-deny':
      return `${rule.kind} ${rule.policy} selects the endpoint for ${rule.direction} (${rule.source}) and no rule allows it (default deny)`;
    default:
      return `${rule.kind} ${rule.policy} ${rule.direction} rule ${rule.ruleIndex} (${rule.source}): ${rule.effect}`;
  }
}

/** One line per deciding rule, after the verdict. */
export function formatVerdict(verdict: Verdict): string {
  return [verdict.verdict, ...verdict.rules.map((r) => `  ${formatDecidingRule(r)}`)].join('\n');
}

/**
 * A grid like the Kubernetes network policy e2e tests print: rows are sources, columns destinations,
 * `.` allowed and `X` denied.
 */
export function formatReachabilityMatrix(reachability: ReachabilityMatrix): string {
  const keys = Object.keys(reachability.matrix);
  const width = Math.max(reachability.port.length, ...keys.map((k) => k.length));
  const cell = (text: string): string => text.padEnd(width);
  const lines = [[cell(reachability.port), ...keys.map(cell)].join(' ').trimEnd()];
  for (const from of keys) {
    const row = reachability.matrix[from] ?? {};
    lines.push([cell(from), ...keys.map((to) => cell(row[to] === 'ALLOWED' ? '.' : 'X'))].join(' ').trimEnd());
  }
  return lines.join('\n');
}
