import type { ResourceDefinition } from './resource-definition.js';
import { findResource, groupVersions } from './resources.js';

/** What a request path addresses. */
export type ApiRoute =
  | { readonly kind: 'version' }
  | { readonly kind: 'health' }
  | { readonly kind: 'coreVersions' }
  | { readonly kind: 'groupList' }
  | { readonly kind: 'group'; readonly group: string; readonly version: string }
  | { readonly kind: 'resourceList'; readonly group: string; readonly version: string }
  | {
      readonly kind: 'resource';
      readonly def: ResourceDefinition;
      /** From `/namespaces/<ns>/...`; undefined for cluster-scoped resources and cross-namespace lists. */
      readonly namespace: string | undefined;
      readonly name: string | undefined;
      readonly subresource: string | undefined;
    }
  | { readonly kind: 'openApiRoot' }
  | { readonly kind: 'openApiDocument'; readonly path: string }
  | { readonly kind: 'notFound' };

const NOT_FOUND: ApiRoute = { kind: 'notFound' };

/** Maps a URL path onto the API's layout (`/api/v1/...`, `/apis/<group>/<version>/...`). */
export function parseApiRoute(pathname: string): ApiRoute {
  let segments: string[];
  try {
    segments = pathname.split('/').filter((s) => s !== '').map(decodeURIComponent);
  } catch {
    return NOT_FOUND;
  }
  const [first, second, third] = segments;
  if (segments.length === 1 && first === 'version') return { kind: 'version' };
  if (segments.length === 1 && (first === 'healthz' || first === 'livez' || first === 'readyz')) return { kind: 'health' };
  if (first === 'openapi' && second === 'v3') {
    return segments.length === 2 ? { kind: 'openApiRoot' } : { kind: 'openApiDocument', path: segments.slice(2).join('/') };
  }
  if (first === 'api') {
    if (segments.length === 1) return { kind: 'coreVersions' };
    if (second !== 'v1') return NOT_FOUND;
    if (segments.length === 2) return { kind: 'resourceList', group: '', version: 'v1' };
    return resourceRoute('', 'v1', segments.slice(2));
  }
  if (first === 'apis') {
    if (segments.length === 1) return { kind: 'groupList' };
    const gv = groupVersions().find((g) => g.group === second && g.group !== '');
    if (!gv || second === undefined) return NOT_FOUND;
    if (segments.length === 2) return { kind: 'group', group: gv.group, version: gv.version };
    if (third !== gv.version) return NOT_FOUND;
    if (segments.length === 3) return { kind: 'resourceList', group: gv.group, version: gv.version };
    return resourceRoute(gv.group, gv.version, segments.slice(3));
  }
  return NOT_FOUND;
}

function resourceRoute(group: string, version: string, rest: readonly string[]): ApiRoute {
  const [a, b, c, d, e, ...extra] = rest;
  if (extra.length > 0 || a === undefined) return NOT_FOUND;
  if (a === 'namespaces' && b !== undefined && c !== undefined) {
    const scoped = findResource(group, version, c);
    if (scoped?.namespaced) return { kind: 'resource', def: scoped, namespace: b, name: d, subresource: e };
  }
  const def = findResource(group, version, a);
  if (!def || d !== undefined) return NOT_FOUND;
  // A namespaced resource is only addressed by name under /namespaces/<ns>/.
  if (def.namespaced && b !== undefined) return NOT_FOUND;
  return { kind: 'resource', def, namespace: undefined, name: b, subresource: c };
}
