import { FlowFilterError, parseFlowFilter, type FlowFilter } from '@netledger/node-agent';
import type { ClusterObjects } from './cluster/cluster-objects.js';
import { parseFlowParams, sinceTime, MAX_LAST, type FlowRequest } from './flows/flow-params.js';
import type { FlowQueryResult, FlowSource } from './flows/flow-source.js';
import { readHistory, type HistoryResult } from './history/read-history.js';
import type { ServiceLogs } from './history/service-logs.js';
import { ApiError } from './http/api-error.js';
import type { PoliciesByNamespace } from './policies/fetch-policies.js';
import { buildServiceMap } from './servicemap/build-service-map.js';
import type { ServiceMap } from './servicemap/service-map.js';

/** What the API reads from: flows, cluster objects, the services' logs and the policy service. */
export interface UiApiSources {
  readonly flows: FlowSource;
  readonly cluster: ClusterObjects;
  readonly logs: ServiceLogs;
  readonly policies: () => Promise<PoliciesByNamespace>;
  readonly nodes: () => readonly string[];
  /** The state of the NATS connection flows come through, for the page's header. */
  readonly nats?: () => string;
  readonly now?: () => Date;
}

/** `/api/servicemap`: the map, and what it could not read (flows while NATS is away). */
export interface ServiceMapAnswer extends ServiceMap {
  readonly nodesAnswered: readonly string[];
  readonly nodesMissing: readonly string[];
  readonly warnings: readonly string[];
}

/**
 * The JSON answers of the UI's API, independent of HTTP: each takes the request's URL
 * parameters and throws an ApiError for what the caller can fix or the stack lacks.
 */
export class UiApi {
  constructor(private readonly sources: UiApiSources) {}

  /** `/api/flows`: the newest flows across nodes that pass observe's filters. */
  flows(params: URLSearchParams): Promise<FlowQueryResult> {
    const request = this.flowRequest(params);
    return this.sources.flows.query(request.last, request.filter);
  }

  /** A validated request for `/api/flows` and `/api/flows/stream`. */
  flowRequest(params: URLSearchParams): FlowRequest {
    const request = parseFlowParams(params, this.now());
    return { ...request, filter: checkedFilter(request.filter) };
  }

  /** `/api/servicemap?since=5m&namespace=NS`: workloads, services and the flows between them. */
  async serviceMap(params: URLSearchParams): Promise<ServiceMapAnswer> {
    let namespace: string | undefined;
    let since: string | undefined;
    for (const [name, value] of params) {
      if (value === '') continue;
      if (name === 'namespace') namespace = value;
      else if (name === 'since') since = sinceTime(value, this.now());
      else throw new ApiError(400, `unknown parameter ${name} (expected since or namespace)`);
    }
    const [pods, services] = await Promise.all([this.sources.cluster.pods(), this.sources.cluster.services()]);
    const warnings: string[] = [];
    let answer: FlowQueryResult = { flows: [], nodes: [], missing: [...this.sources.nodes()], refused: [] };
    try {
      answer = await this.sources.flows.query(MAX_LAST, since === undefined ? {} : { since });
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      warnings.push(e.message);
    }
    if (answer.missing.length > 0) warnings.push(`no flows from ${answer.missing.join(', ')}: the agent did not answer`);
    for (const r of answer.refused) warnings.push(`${r.node} refused the flow query: ${r.error}`);
    const map = buildServiceMap({ pods, services, flows: answer.flows, namespace });
    return { ...map, nodesAnswered: answer.nodes, nodesMissing: answer.missing, warnings };
  }

  /** `/api/policies`: the policies in force per namespace. */
  policies(): Promise<PoliciesByNamespace> {
    return this.sources.policies();
  }

  /** `/api/history?object=...[&object=...]`: the objects' events from the services' logs, merged by time. */
  history(params: URLSearchParams): Promise<HistoryResult> {
    for (const name of params.keys()) if (name !== 'object') throw new ApiError(400, `unknown parameter ${name} (expected object)`);
    return readHistory(this.sources.logs, params.getAll('object').filter((o) => o !== ''));
  }

  /** `/api/info`: what the page shows in its header: the stack's nodes and the NATS connection's state. */
  info(): { readonly nodes: readonly string[]; readonly nats: string } {
    return { nodes: this.sources.nodes(), nats: this.sources.nats?.() ?? 'unknown' };
  }

  private now(): Date {
    return this.sources.now?.() ?? new Date();
  }
}

function checkedFilter(filter: FlowFilter): FlowFilter {
  try {
    return parseFlowFilter(filter);
  } catch (e) {
    if (e instanceof FlowFilterError) throw new ApiError(400, e.message, { cause: e });
    throw e;
  }
}
