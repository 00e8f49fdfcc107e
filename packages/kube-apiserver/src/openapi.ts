import { createHash } from 'node:crypto';
import { type ResourceDefinition, apiVersionOf } from './resource-definition.js';
import { RESOURCES, groupVersions } from './resources.js';

/**
 * A minimal OpenAPI v3 surface. It carries no schemas: its only job is to tell kubectl that the
 * server validates fields itself (`fieldValidation` on write operations), so `kubectl create` and
 * `apply` send objects without downloading schemas for client-side validation, which this server
 * does not have.
 */
export function openApiV3Root(): Record<string, unknown> {
  const paths: Record<string, unknown> = {};
  for (const gv of groupVersions()) {
    const key = groupVersionPath(gv.group, gv.version);
    paths[key] = { serverRelativeURL: `/openapi/v3/${key}?hash=${hashOf(openApiV3GroupVersion(gv.group, gv.version))}` };
  }
  return { paths };
}

/** The document for one group version (`api/v1`, `apis/cilium.io/v2`), or undefined. */
export function openApiV3Document(path: string): Record<string, unknown> | undefined {
  const gv = groupVersions().find((g) => groupVersionPath(g.group, g.version) === path);
  return gv ? openApiV3GroupVersion(gv.group, gv.version) : undefined;
}

function openApiV3GroupVersion(group: string, version: string): Record<string, unknown> {
  const paths: Record<string, unknown> = {};
  for (const def of RESOURCES.filter((r) => r.group === group && r.version === version)) {
    const base = `/${groupVersionPath(group, version)}${def.namespaced ? '/namespaces/{namespace}' : ''}/${def.plural}`;
    paths[base] = { post: operation(def, 'post') };
    paths[`${base}/{name}`] = { put: operation(def, 'put'), patch: operation(def, 'patch') };
  }
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: 'v1.32.0' },
    paths,
    components: { schemas: {} },
  };
}

function operation(def: ResourceDefinition, action: string): Record<string, unknown> {
  return {
    operationId: `${action}${def.kind}`,
    'x-kubernetes-action': action,
    'x-kubernetes-group-version-kind': { group: def.group, version: def.version, kind: def.kind },
    parameters: [
      { name: 'dryRun', in: 'query', schema: { type: 'string' } },
      { name: 'fieldManager', in: 'query', schema: { type: 'string' } },
      { name: 'fieldValidation', in: 'query', schema: { type: 'string' } },
    ],
    responses: { '200': { description: 'OK' } },
    description: `${action} a ${def.kind} (${apiVersionOf(def)})`,
  };
}

function groupVersionPath(group: string, version: string): string {
  return group === '' ? `api/${version}` : `apis/${group}/${version}`;
}

function hashOf(doc: unknown): string {
  return createHash('sha256').update(JSON.stringify(doc)).digest('hex').slice(0, 32).toUpperCase();
}
