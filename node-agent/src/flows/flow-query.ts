import type { Flow } from './flow.js';
import { FlowFilterError, parseFlowFilter, type FlowFilter } from './flow-filter.js';
import { FLOW_RING_CAPACITY } from './flow-ring.js';

/** A request on `netledger.flows.query`: every agent answers with its newest `last` flows that pass `filter`. */
export interface FlowQuery {
  readonly last: number;
  readonly filter: FlowFilter;
}

/**
 * One agent's answer, oldest flow first. An answer larger than the server's max payload comes
 * in several messages: every one but the last has `more: true` (append them in order).
 */
export interface FlowQueryReply {
  readonly node: string;
  readonly flows: readonly Flow[];
  readonly more?: true;
  /** Why the query was refused (a malformed request); flows is empty then. */
  readonly error?: string;
}

/** Reads a query's JSON; FlowFilterError names what is wrong. */
export function parseFlowQuery(text: string): FlowQuery {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new FlowFilterError('query', text.slice(0, 80), `not JSON: ${(e as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new FlowFilterError('query', value, 'expected an object { last, filter }');
  const { last, filter } = value as { last?: unknown; filter?: unknown };
  if (last !== undefined && (typeof last !== 'number' || !Number.isInteger(last) || last < 0)) throw new FlowFilterError('last', last, 'expected a whole number');
  return { last: Math.min(last ?? 20, FLOW_RING_CAPACITY), filter: parseFlowFilter(filter) };
}

/**
 * The messages of one answer: as few as fit `maxPayload` bytes each (a flow larger than that
 * alone, which no real flow is, goes alone and lets the server refuse it).
 */
export function encodeFlowReplies(node: string, flows: readonly Flow[], maxPayload: number): string[] {
  const head = `{"node":${JSON.stringify(node)},"flows":[`;
  const tailMore = '],"more":true}';
  const tailLast = ']}';
  const out: string[] = [];
  let parts: string[] = [];
  let bytes = Buffer.byteLength(head) + Buffer.byteLength(tailMore);
  for (const flow of flows) {
    const text = JSON.stringify(flow);
    const size = Buffer.byteLength(text) + 1;
    if (parts.length > 0 && bytes + size > maxPayload) {
      out.push(head + parts.join(',') + tailMore);
      parts = [];
      bytes = Buffer.byteLength(head) + Buffer.byteLength(tailMore);
    }
    parts.push(text);
    bytes += size;
  }
  out.push(head + parts.join(',') + tailLast);
  return out;
}
