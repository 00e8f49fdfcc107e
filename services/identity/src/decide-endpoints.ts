import type { Cause, EventData, EndpointRemoved, EndpointUpserted, IdentityAllocated, NewEvent } from '@netledger/contracts';
import type { AppendRequest } from '@netledger/eventlog';
import type { Pod } from '@netledger/k8s';
import { nextFreeIdentity } from './identity-allocator.js';
import type { IdentityRange } from './identity-options.js';
import { endpointStream, type EndpointRecord, type IdentityState } from './identity-state.js';
import type { LabelFilter } from './label-filter.js';
import { podEndpoint } from './pod-endpoint.js';
import { identityStream } from './reserved-identities.js';
import { labelSetKey, podSecurityLabels } from './security-labels.js';

/** One pod to decide about, as the sources have it now. */
export interface PodChange {
  /** `namespace/name`. */
  readonly key: string;
  /** The pod as it is now; undefined when it is deleted or no longer listed. */
  readonly pod: Pod | undefined;
  /** The namespace's part of the security labels; undefined while the namespace is not known. */
  readonly namespaceLabels: readonly string[] | undefined;
  /** Why we look at it: the object whose change brought us here. */
  readonly cause: Cause;
}

export interface DecideContext {
  readonly filter: LabelFilter;
  readonly clusterRange: IdentityRange;
}

/** What to append for a batch of pods, and the pods that could not be decided yet. */
export interface EndpointDecisions {
  /** Identity allocations first, then endpoint events: applied in order, references follow their identity. */
  readonly requests: AppendRequest[];
  /** Pods that need a new identity when no number is free; retried when one is released. */
  readonly exhausted: string[];
  /** Pods whose namespace is not known yet; decided when it arrives. */
  readonly awaitingNamespace: string[];
  /** Pods with a field that cannot be published; their endpoint in force (if any) stays. */
  readonly invalid: Array<{ readonly key: string; readonly problem: string }>;
}

type Upserted = EventData<typeof EndpointUpserted>;

/**
 * Decides a batch of pod changes against the state: which identities to allocate and which
 * endpoints to upsert or remove. Pure; an endpoint equal to the one in force gives no event,
 * so restarts and resyncs append nothing for what did not change. Pods of one batch share the
 * identities allocated in it.
 */
export function decideEndpoints(state: IdentityState, changes: readonly PodChange[], ctx: DecideContext): EndpointDecisions {
  const allocations: AppendRequest[] = [];
  const endpoints: AppendRequest[] = [];
  const exhausted: string[] = [];
  const awaitingNamespace: string[] = [];
  const invalid: Array<{ key: string; problem: string }> = [];
  const planned = new Map<string, number>();
  const plannedIds = new Set<number>();
  let cursor = state.cursors.get('cluster');
  let rangeFull = false;
  const inUse = (id: number): boolean => plannedIds.has(id) || state.identities.get(id)?.live === true;

  for (const change of changes) {
    const current = state.endpoints.get(change.key);
    const result = change.pod ? podEndpoint(change.pod) : undefined;
    if (!change.pod || !result || result.kind === 'none') {
      if (current) endpoints.push(removal(state, change.key, current, change.cause));
      continue;
    }
    if (result.kind === 'invalid') {
      invalid.push({ key: change.key, problem: result.problem });
      continue;
    }
    if (!change.namespaceLabels) {
      awaitingNamespace.push(change.key);
      continue;
    }
    const labels = podSecurityLabels(change.pod, change.namespaceLabels, ctx.filter);
    const labelKey = labelSetKey(labels);
    let identity = state.byLabels.get(labelKey) ?? planned.get(labelKey);
    if (identity === undefined) {
      const id = rangeFull ? undefined : nextFreeIdentity(ctx.clusterRange, cursor, inUse);
      if (id === undefined) {
        rangeFull = true;
        exhausted.push(change.key);
        continue;
      }
      identity = id;
      cursor = id;
      planned.set(labelKey, id);
      plannedIds.add(id);
      const event: NewEvent<'IdentityAllocated', EventData<typeof IdentityAllocated>> = {
        type: 'IdentityAllocated',
        data: { id, scope: 'cluster', labels },
        cause: change.cause,
      };
      allocations.push({ stream: identityStream(id), expectedVersion: state.identities.get(id)?.version ?? 0, events: [event] });
    }
    const { metadata } = change.pod;
    const data: Upserted = {
      namespace: metadata.namespace ?? '',
      pod: metadata.name,
      uid: metadata.uid ?? '',
      node: result.endpoint.node,
      // Shared, not copied: pods from the sources and everything derived from them are never mutated.
      ips: result.endpoint.ips,
      identity,
      labels: result.endpoint.labels,
      namedPorts: result.endpoint.namedPorts,
    };
    if (current && sameEndpoint(current, data)) continue;
    endpoints.push({
      stream: endpointStream(change.key),
      expectedVersion: state.endpointVersions.get(change.key) ?? 0,
      events: [{ type: 'EndpointUpserted', data, cause: change.cause }],
    });
  }
  return { requests: [...allocations, ...endpoints], exhausted, awaitingNamespace, invalid };
}

function removal(state: IdentityState, key: string, current: EndpointRecord, cause: Cause): AppendRequest {
  const data: EventData<typeof EndpointRemoved> = {
    namespace: current.namespace,
    pod: current.pod,
    uid: current.uid,
    node: current.node,
    ips: [...current.ips],
  };
  return { stream: endpointStream(key), expectedVersion: state.endpointVersions.get(key) ?? 0, events: [{ type: 'EndpointRemoved', data, cause }] };
}

function sameEndpoint(a: EndpointRecord, b: Upserted): boolean {
  return (
    a.uid === b.uid &&
    a.node === b.node &&
    a.identity === b.identity &&
    sameList(a.ips, b.ips) &&
    sameRecord(a.labels, b.labels) &&
    a.namedPorts.length === b.namedPorts.length &&
    a.namedPorts.every((p, i) => {
      const q = b.namedPorts[i]!;
      return p.name === q.name && p.port === q.port && p.protocol === q.protocol;
    })
  );
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function sameRecord(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((k) => Object.hasOwn(b, k) && a[k] === b[k]);
}
