import type { ServiceName } from '@netledger/contracts';
import { ApiError } from '../http/api-error.js';

/** Which stream(s) of which service's log hold an object's history. */
export interface HistoryObject {
  /** The object as asked for. */
  readonly object: string;
  readonly service: ServiceName;
  /** Streams read in order until one has events (`policy/NS/NAME` falls back to the CNP of that name). */
  readonly streams: readonly string[];
}

const STREAM_OWNERS: Readonly<Record<string, { readonly service: ServiceName; readonly segments: number }>> = {
  identity: { service: 'identity', segments: 1 },
  endpoint: { service: 'identity', segments: 2 },
  policy: { service: 'policy', segments: 2 },
  cnp: { service: 'policy', segments: 2 },
  ccnp: { service: 'policy', segments: 1 },
  service: { service: 'lb', segments: 2 },
};

// How flows name policies (`CiliumNetworkPolicy/ns/name`) -> the policy service's stream prefix.
const POLICY_KIND_PREFIX: Readonly<Record<string, string>> = {
  NetworkPolicy: 'policy',
  CiliumNetworkPolicy: 'cnp',
  CiliumClusterwideNetworkPolicy: 'ccnp',
};

/**
 * Parses an object name: a stream of one of the services' logs (`identity/ID`,
 * `endpoint/NS/POD`, `policy/NS/NAME`, `cnp/NS/NAME`, `ccnp/NAME`, `service/NS/NAME`) or a
 * policy as flows name it (`CiliumNetworkPolicy/NS/NAME`). Throws an ApiError(400) naming the
 * forms it takes.
 */
export function parseHistoryObject(object: string): HistoryObject {
  const parts = object.split('/');
  const [head = '', ...rest] = parts;
  const prefix = POLICY_KIND_PREFIX[head] ?? head;
  const owner = STREAM_OWNERS[prefix];
  if (!owner || rest.length !== owner.segments || rest.some((p) => p === '')) {
    throw new ApiError(
      400,
      `object ${JSON.stringify(object)}: expected identity/ID, endpoint/NS/POD, policy/NS/NAME, cnp/NS/NAME, ccnp/NAME, service/NS/NAME or a flow's policy ref (CiliumNetworkPolicy/NS/NAME)`,
    );
  }
  if (prefix === 'identity' && !/^\d+$/.test(rest[0]!)) throw new ApiError(400, `object ${object}: an identity is a number`);
  const stream = [prefix, ...rest].join('/');
  const streams = head === 'policy' ? [stream, ['cnp', ...rest].join('/')] : [stream];
  return { object, service: owner.service, streams };
}
