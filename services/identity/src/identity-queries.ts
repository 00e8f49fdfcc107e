import { QueryError } from '@netledger/runtime';
import type { EndpointRecord, IdentityScope, IdentityState } from './identity-state.js';

/** One live identity, as `GET /v1/identities` lists it. */
export interface IdentityRow {
  readonly id: number;
  readonly scope: IdentityScope;
  readonly labels: readonly string[];
  /** Endpoints using it. */
  readonly references: number;
  /** When the last reference went (the release follows after the grace period); null while used. */
  readonly unreferencedSince: string | null;
}

/** One endpoint in force, as `GET /v1/endpoints` lists it: the record as the state holds it. */
export type EndpointRow = EndpointRecord;

const SCOPES: readonly string[] = ['reserved', 'cluster', 'cidr'];

/** Live identities by number; `scope` and `id` narrow the list. */
export function listIdentities(state: IdentityState, params: URLSearchParams): IdentityRow[] {
  const scope = params.get('scope');
  if (scope !== null && !SCOPES.includes(scope)) throw new QueryError(400, `scope ${scope}: expected reserved, cluster or cidr`);
  const idParam = params.get('id');
  const id = idParam === null ? undefined : Number(idParam);
  if (id !== undefined && !Number.isInteger(id)) throw new QueryError(400, `id ${idParam}: expected an integer`);
  const rows: IdentityRow[] = [];
  for (const r of state.identities.values()) {
    if (!r.live || (scope !== null && r.scope !== scope) || (id !== undefined && r.id !== id)) continue;
    rows.push({ id: r.id, scope: r.scope, labels: r.labels, references: r.refs, unreferencedSince: r.unreferencedSince });
  }
  if (id !== undefined && rows.length === 0) throw new QueryError(404, `identity ${id} is not allocated`);
  return rows.sort((a, b) => a.id - b.id);
}

/** Endpoints by namespace and pod; `namespace`, `node` and `identity` narrow the list. */
export function listEndpoints(state: IdentityState, params: URLSearchParams): EndpointRow[] {
  const namespace = params.get('namespace');
  const node = params.get('node');
  const identityParam = params.get('identity');
  const identity = identityParam === null ? undefined : Number(identityParam);
  if (identity !== undefined && !Number.isInteger(identity)) throw new QueryError(400, `identity ${identityParam}: expected an integer`);
  const rows: EndpointRow[] = [];
  for (const e of state.endpoints.values()) {
    if ((namespace !== null && e.namespace !== namespace) || (node !== null && e.node !== node) || (identity !== undefined && e.identity !== identity)) continue;
    rows.push(e);
  }
  return rows.sort((a, b) => (a.namespace === b.namespace ? compare(a.pod, b.pod) : compare(a.namespace, b.namespace)));
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
