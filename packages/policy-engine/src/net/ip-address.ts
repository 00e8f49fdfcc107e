/** An IPv4 or IPv6 address as a number, so prefix checks are shifts and compares. */
export interface IpAddress {
  readonly family: 4 | 6;
  readonly value: bigint;
}

export function familyBits(family: 4 | 6): number {
  return family === 4 ? 32 : 128;
}

const OCTET = /^(0|[1-9][0-9]{0,2})$/;
const HEXTET = /^[0-9a-fA-F]{1,4}$/;

// Leading zeros are refused: "010" is octal to some parsers and decimal to others.
function parseIPv4(text: string): bigint | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  let value = 0n;
  for (const part of parts) {
    if (!OCTET.test(part)) return null;
    const n = Number(part);
    if (n > 255) return null;
    value = (value << 8n) | BigInt(n);
  }
  return value;
}

function parseHextets(groups: readonly string[]): bigint[] | null {
  const out: bigint[] = [];
  for (const g of groups) {
    if (!HEXTET.test(g)) return null;
    out.push(BigInt(`0x${g}`));
  }
  return out;
}

function parseIPv6(text: string): bigint | null {
  if (text.includes('%')) return null; // zones name an interface, not an address a policy can mean
  let body = text;
  const lastColon = body.lastIndexOf(':');
  if (body.includes('.', lastColon)) {
    // An embedded IPv4 tail ("::ffff:10.0.0.1") stands for the last two groups.
    const v4 = parseIPv4(body.slice(lastColon + 1));
    if (v4 === null) return null;
    body = `${body.slice(0, lastColon + 1)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const halves = body.split('::');
  if (halves.length > 2) return null;
  const head = halves[0] === '' ? [] : parseHextets(halves[0]!.split(':'));
  const rest = halves.length === 2 && halves[1] !== '' ? parseHextets(halves[1]!.split(':')) : [];
  if (head === null || rest === null) return null;
  const given = head.length + rest.length;
  let groups: bigint[];
  if (halves.length === 2) {
    if (given > 7) return null;
    groups = [...head, ...new Array<bigint>(8 - given).fill(0n), ...rest];
  } else {
    if (given !== 8) return null;
    groups = head;
  }
  return groups.reduce((acc, g) => (acc << 16n) | g, 0n);
}

/** Parses dotted IPv4 or RFC 4291 IPv6 text; `null` when it is neither. */
export function parseIpAddress(text: string): IpAddress | null {
  if (text.includes(':')) {
    const value = parseIPv6(text);
    return value === null ? null : { family: 6, value };
  }
  const value = parseIPv4(text);
  return value === null ? null : { family: 4, value };
}

/** Canonical text: dotted quad, or RFC 5952 IPv6 (lowercase, longest zero run shortened). */
export function formatIpAddress(ip: IpAddress): string {
  if (ip.family === 4) {
    return [24n, 16n, 8n, 0n].map((s) => String((ip.value >> s) & 0xffn)).join('.');
  }
  const groups: number[] = [];
  for (let s = 112n; s >= 0n; s -= 16n) groups.push(Number((ip.value >> s) & 0xffffn));
  let bestStart = -1, bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) { bestStart = i; bestLen = j - i; }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestLen < 2) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}
