import type { DecidingRule, Verdict } from '../model/flow-query.js';
import type { Direction, L4Protocol } from '../model/normalized-policy.js';
import type { CompiledRule } from './compile-policy.js';
import type { ResolvedIdentity } from './resolved-identity.js';
import type { Selection } from './subject-index.js';

interface SideDecision {
  readonly allowed: boolean;
  readonly rules: DecidingRule[];
}

function ruleEntry(r: CompiledRule): DecidingRule {
  return {
    effect: r.rule.effect,
    kind: r.policy.kind,
    policy: r.policy.ref,
    direction: r.rule.direction,
    ruleIndex: r.rule.index,
    source: r.rule.source,
  };
}

/**
 * One side of a flow: the source's egress (peer = destination) or the destination's ingress
 * (peer = source). Deny rules win; then any allow rule; then default deny if a selecting
 * policy asks for it; otherwise the side is open.
 */
export function decideSide(
  selection: readonly Selection[],
  direction: Direction,
  peer: ResolvedIdentity,
  port: number,
  protocol: L4Protocol,
  dst: ResolvedIdentity,
): SideDecision {
  if (selection.length === 0) return { allowed: true, rules: [{ effect: 'default-allow', direction }] };
  const matches = (r: CompiledRule): boolean => r.matchesPort(port, protocol, dst) && r.matchesPeer(peer);
  const denied = selection.flatMap((s) => s.rules.deny.filter(matches));
  if (denied.length > 0) return { allowed: false, rules: denied.map(ruleEntry) };
  const allowed = selection.flatMap((s) => s.rules.allow.filter(matches));
  if (allowed.length > 0) return { allowed: true, rules: allowed.map(ruleEntry) };
  const enforcing = selection.filter((s) => s.rules.defaultDeny);
  if (enforcing.length === 0) return { allowed: true, rules: [{ effect: 'default-allow', direction }] };
  return {
    allowed: false,
    rules: enforcing.map((s) => ({
      effect: 'default-deny',
      kind: s.subject.policy.kind,
      policy: s.subject.policy.ref,
      direction,
      source: s.subject.source,
    })),
  };
}

/** A flow is allowed when the source's egress and the destination's ingress both allow it. */
export function decideFlow(
  srcEgress: readonly Selection[],
  dstIngress: readonly Selection[],
  src: ResolvedIdentity,
  dst: ResolvedIdentity,
  port: number,
  protocol: L4Protocol,
): Verdict {
  const egress = decideSide(srcEgress, 'egress', dst, port, protocol, dst);
  const ingress = decideSide(dstIngress, 'ingress', src, port, protocol, dst);
  if (egress.allowed && ingress.allowed) return { verdict: 'ALLOWED', rules: [...egress.rules, ...ingress.rules] };
  const rules = [...(egress.allowed ? [] : egress.rules), ...(ingress.allowed ? [] : ingress.rules)];
  return { verdict: 'DENIED', rules };
}
