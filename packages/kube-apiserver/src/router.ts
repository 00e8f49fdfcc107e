import type { IncomingMessage, ServerResponse } from 'node:http';
import { type ApiRoute, parseApiRoute } from './api-route.js';
import { SERVER_VERSION, apiGroup, apiGroupList, apiResourceList, coreApiVersions } from './discovery.js';
import { BadRequestError, InternalError, MethodNotAllowedError, PathNotFoundError, UnsupportedMediaTypeError, isApiError } from './errors.js';
import { openApiV3Document, openApiV3Root } from './openapi.js';
import { readJsonBody, sendJson, sendStatus, wantsTable } from './http-io.js';
import type { KubeObject } from './kube-object.js';
import { buildObjectFilter } from './object-filter.js';
import type { RequestScope } from './object-preparation.js';
import { apiVersionOf } from './resource-definition.js';
import type { ResourceOperations } from './resource-operations.js';
import { toTable } from './table.js';
import type { WatchStreams } from './watch-stream.js';

/** What the router needs from the rest of the server. */
export interface RouterDeps {
  readonly operations: ResourceOperations;
  readonly watches: WatchStreams;
  readonly clock: () => Date;
  readonly defaultWatchTimeoutSeconds: number;
  /** host:port clients reach the server at, for `/api` discovery. */
  readonly serverAddress: () => string;
}

/** Builds the `http.Server` request listener: every failure becomes a `meta/v1 Status`. */
export function createRouter(deps: RouterDeps): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    handle(deps, req, res).catch((error: unknown) => {
      const apiError = isApiError(error) ? error : new InternalError(`internal error: ${(error as Error)?.message ?? String(error)}`, {}, { cause: error });
      if (res.headersSent) {
        res.destroy();
        return;
      }
      sendStatus(res, apiError);
    });
  };
}

async function handle(deps: RouterDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const method = req.method ?? 'GET';
  const route = parseApiRoute(url.pathname);
  if (route.kind === 'resource') return handleResource(deps, req, res, url, route);
  if (route.kind === 'notFound') throw new PathNotFoundError(url.pathname);
  if (method !== 'GET' && method !== 'HEAD') throw new MethodNotAllowedError(method, url.pathname);
  switch (route.kind) {
    case 'version':
      return sendJson(res, 200, SERVER_VERSION);
    case 'health':
      res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('ok');
      return;
    case 'coreVersions':
      return sendJson(res, 200, coreApiVersions(deps.serverAddress()));
    case 'groupList':
      return sendJson(res, 200, apiGroupList());
    case 'group':
      return sendJson(res, 200, apiGroup(route.group, route.version));
    case 'openApiRoot':
      return sendJson(res, 200, openApiV3Root());
    case 'openApiDocument': {
      const doc = openApiV3Document(route.path);
      if (!doc) throw new PathNotFoundError(url.pathname);
      return sendJson(res, 200, doc);
    }
    case 'resourceList': {
      const list = apiResourceList(route.group, route.version);
      if (!list) throw new PathNotFoundError(url.pathname);
      return sendJson(res, 200, list);
    }
  }
}

type ResourceRoute = Extract<ApiRoute, { kind: 'resource' }>;

async function handleResource(deps: RouterDeps, req: IncomingMessage, res: ServerResponse, url: URL, route: ResourceRoute): Promise<void> {
  const { def, name, subresource } = route;
  const method = req.method ?? 'GET';
  const ops = deps.operations;
  const scope: RequestScope = { def, namespace: route.namespace };
  const q = url.searchParams;
  const table = wantsTable(req);
  if (method === 'PATCH' && !/json/i.test(req.headers['content-type'] ?? '')) {
    // Server-side apply (application/apply-patch+yaml) is not served; say so before reading YAML as JSON.
    throw new UnsupportedMediaTypeError(req.headers['content-type'] ?? '(none)');
  }
  const render = (obj: KubeObject): unknown => (table ? toTable(def, [obj], { resourceVersion: obj.metadata.resourceVersion }, deps.clock()) : obj);

  if (subresource !== undefined) {
    if (subresource !== 'status' || !def.hasStatus || name === undefined) throw new PathNotFoundError(url.pathname);
    switch (method) {
      case 'GET':
        return sendJson(res, 200, ops.get(scope, name));
      case 'PUT':
        return sendJson(res, 200, ops.update(scope, name, await readJsonBody(req), 'status'));
      case 'PATCH':
        return sendJson(res, 200, ops.patch(scope, name, req.headers['content-type'] ?? '', await readJsonBody(req), 'status'));
      default:
        throw new MethodNotAllowedError(method, url.pathname);
    }
  }

  if (name === undefined) {
    switch (method) {
      case 'GET': {
        const filter = buildObjectFilter(def, q.get('labelSelector'), q.get('fieldSelector'));
        if (isTrue(q.get('watch'))) {
          deps.watches.serve(res, {
            def,
            namespace: route.namespace,
            filter,
            resourceVersion: q.get('resourceVersion') ?? undefined,
            timeoutSeconds: parsePositive(q.get('timeoutSeconds'), 'timeoutSeconds') ?? deps.defaultWatchTimeoutSeconds,
            allowBookmarks: isTrue(q.get('allowWatchBookmarks')),
            render,
          });
          return;
        }
        const limit = parsePositive(q.get('limit'), 'limit');
        const cont = q.get('continue');
        const page = ops.list(scope, { filter, ...(limit !== undefined ? { limit } : {}), ...(cont ? { continueToken: cont } : {}) });
        const listMeta = {
          resourceVersion: String(page.resourceVersion),
          ...(page.continueToken !== undefined ? { continue: page.continueToken } : {}),
          ...(page.remainingItemCount !== undefined ? { remainingItemCount: page.remainingItemCount } : {}),
        };
        if (table) return sendJson(res, 200, toTable(def, page.items, listMeta, deps.clock()));
        return sendJson(res, 200, { kind: `${def.kind}List`, apiVersion: apiVersionOf(def), metadata: listMeta, items: page.items });
      }
      case 'POST':
        if (def.namespaced && route.namespace === undefined) throw new MethodNotAllowedError(method, url.pathname);
        return sendJson(res, 201, ops.create(scope, await readJsonBody(req)));
      case 'DELETE': {
        if (def.namespaced && route.namespace === undefined) throw new MethodNotAllowedError(method, url.pathname);
        const filter = buildObjectFilter(def, q.get('labelSelector'), q.get('fieldSelector'));
        const items = ops.deleteCollection(scope, filter);
        return sendJson(res, 200, { kind: `${def.kind}List`, apiVersion: apiVersionOf(def), metadata: {}, items });
      }
      default:
        throw new MethodNotAllowedError(method, url.pathname);
    }
  }

  switch (method) {
    case 'GET': {
      const obj = ops.get(scope, name);
      return sendJson(res, 200, table ? toTable(def, [obj], { resourceVersion: obj.metadata.resourceVersion }, deps.clock()) : obj);
    }
    case 'PUT':
      return sendJson(res, 200, ops.update(scope, name, await readJsonBody(req)));
    case 'PATCH':
      return sendJson(res, 200, ops.patch(scope, name, req.headers['content-type'] ?? '', await readJsonBody(req)));
    case 'DELETE':
      return sendJson(res, 200, ops.delete(scope, name, await readJsonBody(req)));
    default:
      throw new MethodNotAllowedError(method, url.pathname);
  }
}

function isTrue(value: string | null): boolean {
  return value === 'true' || value === '1';
}

function parsePositive(value: string | null, param: string): number | undefined {
  if (value === null || value === '') return undefined;
  if (!/^\d+$/.test(value)) throw new BadRequestError(`query parameter ${param}="${value}": must be a non-negative integer`);
  const n = Number(value);
  return n === 0 ? undefined : n;
}
