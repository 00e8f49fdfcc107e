import { compileSelector, POD_NAMESPACE_LABEL, type LabelMatcher, type NormalizedPolicy, type PortMatch } from '@netledger/policy-engine';
import { policyRuleId, type PolicyDirection } from '@netledger/datapath';
import type { SelectorCache } from './selector-cache.js';

/** One rule of a policy in force, with its peers as selector-cache keys. */
export interface RuleRecord {
  /** `<policy key>#<rule source>`: unique across policies of every kind. */
  readonly uid: string;
  /** A small number unique among the rules in force (reused after its policy goes). */
  readonly index: number;
  readonly subject: SubjectRecord;
  readonly direction: PolicyDirection;
  readonly effect: 'allow' | 'deny';
  /** policyRuleId(policy.ref, rule.source), written into the map entries. */
  readonly ruleId: number;
  /** null: any peer. */
  readonly peerKeys: readonly string[] | null;
  /** null: any port. */
  readonly ports: readonly PortMatch[] | null;
  /** Names of the rule's named ports when it is an egress rule (they resolve per peer identity). */
  readonly egressPortNames: readonly string[];
}

export interface DirectionRecord {
  readonly defaultDeny: boolean;
  readonly rules: readonly RuleRecord[];
}

/** One subject (spec or specs[i]) of a policy in force. */
export interface SubjectRecord {
  readonly uid: string;
  readonly policyKey: string;
  readonly matches: LabelMatcher;
  /** The only pod namespace the subject can select, when its selector pins one. */
  readonly namespace: string | undefined;
  readonly ingress: DirectionRecord | null;
  readonly egress: DirectionRecord | null;
}

export interface CompiledPolicy {
  readonly key: string;
  readonly subjects: readonly SubjectRecord[];
  /** Every selector-cache reference taken, to give back when the policy goes. */
  readonly peerKeys: readonly string[];
  readonly rules: readonly RuleRecord[];
}

/** Compiles a policy's subjects and rules, taking selector-cache references for its peers and an index per rule. */
export function compilePolicy(key: string, policy: NormalizedPolicy, cache: SelectorCache, nextRuleIndex: () => number): CompiledPolicy {
  const peerKeys: string[] = [];
  const all: RuleRecord[] = [];
  const subjects = policy.subjects.map((s): SubjectRecord => {
    const pin = s.selector.requirements.find((r) => r.key === POD_NAMESPACE_LABEL && r.operator === 'In' && r.values.length === 1);
    const subject: { -readonly [P in keyof SubjectRecord]: SubjectRecord[P] } = {
      uid: `${key}|${s.source}`,
      policyKey: key,
      matches: compileSelector(s.selector),
      namespace: pin?.values[0],
      ingress: null,
      egress: null,
    };
    for (const direction of ['ingress', 'egress'] as const) {
      const rules = s[direction];
      if (rules === null) continue;
      subject[direction] = {
        defaultDeny: rules.defaultDeny,
        rules: rules.rules.map((r): RuleRecord => {
          const keys = r.peers === null ? null : r.peers.map((p) => cache.acquire(p));
          if (keys !== null) peerKeys.push(...keys);
          const record: RuleRecord = {
            uid: `${key}#${r.source}`,
            index: nextRuleIndex(),
            subject,
            direction,
            effect: r.effect,
            ruleId: policyRuleId(policy.ref, r.source),
            peerKeys: keys,
            ports: r.ports,
            egressPortNames: direction === 'egress' ? [...new Set((r.ports ?? []).flatMap((p) => (p.kind === 'named' ? [p.name] : [])))] : [],
          };
          all.push(record);
          return record;
        }),
      };
    }
    return subject;
  });
  return { key, subjects, peerKeys, rules: all };
}
