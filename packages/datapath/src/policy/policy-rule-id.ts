const FNV_OFFSET_BASIS = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/**
 * The `rule_id` of a policy map entry: FNV-1a 32 of `<policy ref>#<rule source>` over UTF-8,
 * so an entry in the kernel names the rule that wrote it without a lookup table.
 */
export function policyRuleId(policyRef: string, ruleSource: string): number {
  let hash = FNV_OFFSET_BASIS;
  for (const byte of Buffer.from(`${policyRef}#${ruleSource}`, 'utf8')) {
    hash = Math.imul(hash ^ byte, FNV_PRIME);
  }
  return hash >>> 0;
}
