import { POLICY_FLAGS, type PolicyValue } from '@netledger/datapath';

/**
 * Policy map values, one frozen object per (action, rule id): maps of many endpoints hold
 * the same few values, so they share them instead of each entry carrying its own.
 */
export class PolicyValues {
  readonly defaultDeny: PolicyValue = Object.freeze({ action: 'deny', flags: POLICY_FLAGS.default, ruleId: 0 });
  readonly #allow = new Map<number, PolicyValue>();
  readonly #deny = new Map<number, PolicyValue>();

  allow(ruleId: number): PolicyValue {
    return this.#get(this.#allow, 'allow', ruleId);
  }

  deny(ruleId: number): PolicyValue {
    return this.#get(this.#deny, 'deny', ruleId);
  }

  #get(cache: Map<number, PolicyValue>, action: PolicyValue['action'], ruleId: number): PolicyValue {
    let v = cache.get(ruleId);
    if (v === undefined) cache.set(ruleId, (v = Object.freeze({ action, flags: 0, ruleId })));
    return v;
  }
}
