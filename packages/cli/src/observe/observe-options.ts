import { FLOW_RING_CAPACITY, FlowFilterError, parseFlowFilter, type FlowFilter } from '@netledger/node-agent';
import { UsageError } from '../cli-error.js';

export type ObserveOutput = 'compact' | 'json' | 'table';

/** The flags of `netledger observe`, as parsed from the command line (strings as given). */
export type ObserveFlags = {
  /** One flag per FlowFilter field, named after it (`--from-pod` is fromPod). */
  readonly [K in keyof FlowFilter]?: string;
} & {
  readonly last?: string;
  readonly follow: boolean;
  readonly output?: string;
  readonly printNodeName: boolean;
  readonly waitMs?: string;
};

/** What observe does, validated and defaulted once. */
export interface ObservePlan {
  readonly filter: FlowFilter;
  /** How many past flows to print (0 with --follow alone: only new ones). */
  readonly last: number;
  readonly follow: boolean;
  readonly output: ObserveOutput;
  readonly printNodeName: boolean;
  readonly waitMs: number;
}

const DEFAULT_LAST = 20;
const DEFAULT_WAIT_MS = 2000;
const UNITS: Readonly<Record<string, number>> = { ms: 1, s: 1e3, m: 60e3, h: 3600e3, d: 86400e3 };

/** `--since 5m` (ago) or an ISO-8601 time -> ISO-8601. */
export function parseSince(raw: string, now = Date.now()): string {
  const ago = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(raw);
  if (ago) return new Date(now - Number(ago[1]) * UNITS[ago[2]!]!).toISOString();
  const t = Date.parse(raw);
  if (Number.isNaN(t)) throw new UsageError(`--since ${raw}: expected a duration (30s, 5m, 2h, 1d) or an ISO-8601 time`);
  return new Date(t).toISOString();
}

function wholeNumber(flag: string, raw: string, min: number, max: number): number {
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < min || n > max) throw new UsageError(`--${flag} ${raw}: expected a whole number from ${min} to ${max}`);
  return n;
}

/** Flags -> plan; UsageError names the flag it cannot read. */
export function planObserve(flags: ObserveFlags, now = Date.now()): ObservePlan {
  const output = flags.output ?? 'compact';
  if (output !== 'compact' && output !== 'json' && output !== 'table') throw new UsageError(`-o ${output}: expected compact, json or table`);
  const verdict = flags.verdict?.toUpperCase();
  const filterInput: Record<string, string | number | undefined> = {
    fromPod: flags.fromPod,
    toPod: flags.toPod,
    pod: flags.pod,
    namespace: flags.namespace,
    fromLabel: flags.fromLabel,
    toLabel: flags.toLabel,
    fromIp: flags.fromIp,
    toIp: flags.toIp,
    port: flags.port === undefined ? undefined : wholeNumber('port', flags.port, 0, 65535),
    protocol: flags.protocol?.toUpperCase(),
    verdict,
    dropReason: flags.dropReason,
    service: flags.service,
    node: flags.node,
    since: flags.since === undefined ? undefined : parseSince(flags.since, now),
  };
  let filter: FlowFilter;
  try {
    filter = parseFlowFilter(Object.fromEntries(Object.entries(filterInput).filter(([, v]) => v !== undefined)));
  } catch (e) {
    if (e instanceof FlowFilterError) throw new UsageError(`--${kebab(e.field)} ${String(e.value)}: ${e.reason}`);
    throw e;
  }
  // Like hubble observe: the last 20 by default; everything kept since a time with --since;
  // with --follow alone, only what comes next.
  const last =
    flags.last !== undefined
      ? wholeNumber('last', flags.last, 0, FLOW_RING_CAPACITY * 1000)
      : flags.since !== undefined
        ? Number.MAX_SAFE_INTEGER
        : flags.follow
          ? 0
          : DEFAULT_LAST;
  return {
    filter,
    last,
    follow: flags.follow,
    output,
    printNodeName: flags.printNodeName,
    waitMs: flags.waitMs === undefined ? DEFAULT_WAIT_MS : wholeNumber('wait-ms', flags.waitMs, 1, 600_000),
  };
}

function kebab(field: string): string {
  return field.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}
