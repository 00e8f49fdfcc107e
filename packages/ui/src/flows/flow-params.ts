import type { FlowFilter } from '@netledger/node-agent';
import { ApiError } from '../http/api-error.js';

/** A flow request from the page: observe's filters and how many flows. */
export interface FlowRequest {
  readonly filter: FlowFilter;
  /** The newest N flows across nodes. */
  readonly last: number;
}

/** Largest `last`: every agent keeps 4,095 flows; a page of more is no use to a browser. */
export const MAX_LAST = 4095;
const DEFAULT_LAST = 200;

// URL parameters, named like observe's flags, -> FlowFilter fields.
const STRING_PARAMS: Readonly<Record<string, string>> = {
  'from-pod': 'fromPod',
  'to-pod': 'toPod',
  pod: 'pod',
  namespace: 'namespace',
  'from-label': 'fromLabel',
  'to-label': 'toLabel',
  'from-ip': 'fromIp',
  'to-ip': 'toIp',
  protocol: 'protocol',
  verdict: 'verdict',
  'drop-reason': 'dropReason',
  service: 'service',
  node: 'node',
};

const DURATION_MS: Readonly<Record<string, number>> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * Reads `/api/flows` parameters (named like `netledger observe`'s flags: `from-pod`, `to-pod`,
 * `pod`, `namespace`, `from-label`, `to-label`, `from-ip`, `to-ip`, `port`, `protocol`, `verdict`,
 * `drop-reason`, `service`, `node`, `since` (a duration such as `5m`, or an ISO time) and
 * `last`). Empty values are ignored; an unknown or malformed one is an ApiError(400).
 */
export function parseFlowParams(params: URLSearchParams, now: Date): FlowRequest {
  const filter: Record<string, string | number> = {};
  let last = DEFAULT_LAST;
  for (const [name, raw] of params) {
    const value = raw.trim();
    if (value === '') continue;
    const field = STRING_PARAMS[name];
    if (field !== undefined) filter[field] = field === 'verdict' ? value.toUpperCase() : value;
    else if (name === 'port') filter['port'] = integer(name, value, 0, 65535);
    else if (name === 'since') filter['since'] = sinceTime(value, now);
    else if (name === 'last') last = integer(name, value, 1, MAX_LAST);
    else throw new ApiError(400, `unknown parameter ${name} (expected last, since, port or one of ${Object.keys(STRING_PARAMS).join(', ')})`);
  }
  return { filter: filter as FlowFilter, last };
}

/** `5m` / `30s` / `2h` / `1d` ago, or an ISO-8601 time, as an ISO time. */
export function sinceTime(value: string, now: Date): string {
  const duration = /^(\d+)([smhd])$/.exec(value);
  if (duration) return new Date(now.getTime() - Number(duration[1]) * DURATION_MS[duration[2]!]!).toISOString();
  const t = Date.parse(value);
  if (Number.isNaN(t)) throw new ApiError(400, `since ${JSON.stringify(value)}: expected a duration (30s, 5m, 2h, 1d) or an ISO-8601 time`);
  return new Date(t).toISOString();
}

function integer(name: string, value: string, min: number, max: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new ApiError(400, `${name} ${JSON.stringify(value)}: expected an integer from ${min} to ${max}`);
  return n;
}
