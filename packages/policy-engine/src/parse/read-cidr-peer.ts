import type { FieldProblems } from '../model/field-problem.js';
import type { PeerMatch } from '../model/normalized-policy.js';
import { cidrContainsCidr, formatCidr, parseCidr, type Cidr } from '../net/cidr.js';
import { checkFields, childPath, itemPath, readArray, readObject, readString } from './json-fields.js';

/** Kubernetes insists on a prefix length; Cilium takes a bare address as a host route. */
export type CidrDialect = 'kubernetes' | 'cilium';

function readCidrText(raw: unknown, path: string, dialect: CidrDialect, problems: FieldProblems): Cidr | undefined {
  const text = readString(raw, path, problems);
  if (text === undefined) {
    if (raw === undefined || raw === null) problems.add(path, 'is required');
    return undefined;
  }
  const parsed = parseCidr(text, { allowBareAddress: dialect === 'cilium' });
  if (!parsed.ok) {
    problems.add(path, parsed.reason);
    return undefined;
  }
  return parsed.cidr;
}

/** A CIDR with exceptions; every exception must lie strictly inside the CIDR (same family, longer prefix). */
function readCidrWithExcept(cidrRaw: unknown, exceptRaw: unknown, path: string, dialect: CidrDialect, problems: FieldProblems): PeerMatch | undefined {
  const before = problems.size;
  const cidr = readCidrText(cidrRaw, childPath(path, 'cidr'), dialect, problems);
  const exceptPath = childPath(path, 'except');
  const except: string[] = [];
  (readArray(exceptRaw, exceptPath, problems) ?? []).forEach((e, i) => {
    const at = itemPath(exceptPath, i);
    const inner = readCidrText(e, at, dialect, problems);
    if (inner === undefined || cidr === undefined) return;
    if (!cidrContainsCidr(cidr, inner) || inner.prefixLength === cidr.prefixLength) {
      problems.add(at, `${formatCidr(inner)} is not strictly inside cidr ${formatCidr(cidr)}`);
      return;
    }
    except.push(formatCidr(inner));
  });
  if (cidr === undefined || problems.size !== before) return undefined;
  return { kind: 'cidr', cidr: formatCidr(cidr), except: [...new Set(except)].sort() };
}

/** NetworkPolicy `ipBlock`. */
export function readIpBlock(raw: unknown, path: string, problems: FieldProblems): PeerMatch | undefined {
  const obj = readObject(raw, path, problems);
  if (obj === undefined) return undefined;
  checkFields(obj, path, { known: ['cidr', 'except'] }, problems);
  return readCidrWithExcept(obj['cidr'], obj['except'], path, 'kubernetes', problems);
}

/** One entry of Cilium `fromCIDR`/`toCIDR`. */
export function readCiliumCidr(raw: unknown, path: string, problems: FieldProblems): PeerMatch | undefined {
  const cidr = readCidrText(raw, path, 'cilium', problems);
  return cidr === undefined ? undefined : { kind: 'cidr', cidr: formatCidr(cidr), except: [] };
}

const GROUP_UNSUPPORTED = 'CiliumCIDRGroup references are not supported (write the CIDRs inline)';

/** One entry of Cilium `fromCIDRSet`/`toCIDRSet`. */
export function readCiliumCidrRule(raw: unknown, path: string, problems: FieldProblems): PeerMatch | undefined {
  const obj = readObject(raw, path, problems);
  if (obj === undefined) {
    if (raw === undefined || raw === null) problems.add(path, 'must be an object with cidr');
    return undefined;
  }
  checkFields(obj, path, { known: ['cidr', 'except'], unsupported: { cidrGroupRef: GROUP_UNSUPPORTED, cidrGroupSelector: GROUP_UNSUPPORTED } }, problems);
  if (obj['cidr'] === undefined && (obj['cidrGroupRef'] !== undefined || obj['cidrGroupSelector'] !== undefined)) return undefined;
  return readCidrWithExcept(obj['cidr'], obj['except'], path, 'cilium', problems);
}
