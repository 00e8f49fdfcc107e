import type { Cause, NewEvent } from '@netledger/contracts';
import type { AppendRequest } from '@netledger/eventlog';
import { RECONCILE_CAUSE } from './causes.js';
import { formatAddress } from './format-address.js';
import type { DesiredService, InputProblem } from './desired-service.js';
import { BACKEND_ID_RANGE, FRONTEND_ID_RANGE, IdAllocator, SERVICE_ID_RANGE } from './id-pool.js';
import type { Frontend, FrontendType, LbState, Membership, ServiceData } from './lb-state.js';
import { backendKey, frontendKey, memberKey, serviceStream } from './service-keys.js';

/** The last changes that made a service due for a decision, to name as causes. */
export interface ServiceTriggers {
  /** The Service as last changed (for a delete: its last known state). */
  readonly service?: Cause;
  /** The EndpointSlice of this service changed last. */
  readonly slice?: Cause;
}

export interface ServiceDecisionInput {
  /** `namespace/name`. */
  readonly key: string;
  /** What the cluster asks for now; undefined when the service is gone or gets no load balancing. */
  readonly desired: DesiredService | undefined;
  /** The Service object as it is now; undefined when it is gone. */
  readonly current: Cause | undefined;
  readonly triggers: ServiceTriggers;
}

export interface ServiceDecision {
  /** The events for the service's stream; undefined when the log already says it all. */
  readonly request: AppendRequest | undefined;
  /** Frontends or backends left out (address taken by another service, id space full). */
  readonly problems: readonly InputProblem[];
}

const FRONTEND_FIELD: Record<FrontendType, string> = {
  ClusterIP: 'spec.clusterIP',
  NodePort: 'spec.ports.nodePort',
  LoadBalancer: 'status.loadBalancer.ingress',
  ExternalIP: 'spec.externalIPs',
};

/**
 * Compares what the cluster asks of one service with what its stream says, and returns the
 * events that close the gap: `ServiceUpserted` when the spec's result changed, `BackendAdded`
 * for new backends and state changes, `BackendRemoved` for backends gone, or one
 * `ServiceDeleted`. Nothing when they agree, so replays and restarts emit nothing twice.
 * New ids come from the state's pools; existing ones are kept. Pure: the state is only read.
 */
export function decideService(state: LbState, input: ServiceDecisionInput): ServiceDecision {
  const { key, desired } = input;
  const record = state.services.get(key);
  const problems: InputProblem[] = [];
  const expectedVersion = state.streamVersions.get(key) ?? 0;
  const request = (events: NewEvent[]): AppendRequest | undefined =>
    events.length > 0 ? { stream: serviceStream(key), expectedVersion, events } : undefined;
  const [namespace = '', name = key] = splitKey(key);
  const problem = (field: string, reason: InputProblem['reason'], message: string): void => {
    problems.push({ objectKind: 'Service', namespace: namespace || undefined, name, field, reason, message });
  };
  const deleted = (): ServiceDecision => ({
    request: record
      ? request([
          {
            type: 'ServiceDeleted',
            data: { serviceId: record.data.serviceId, namespace: record.data.namespace, name: record.data.name },
            cause: input.current ?? input.triggers.service ?? RECONCILE_CAUSE,
          },
        ])
      : undefined,
    problems,
  });
  if (!desired) return deleted();

  const frontends = assignFrontendIds(state, key, record?.data.frontends ?? [], desired, problem);
  if (frontends.length === 0) return deleted();
  const serviceId = record?.data.serviceId ?? new IdAllocator(SERVICE_ID_RANGE, state.serviceIds).allocate();
  if (serviceId === undefined) {
    problem('metadata.name', 'exhausted', `no free service id: all ${SERVICE_ID_RANGE.max} are in use`);
    return { request: undefined, problems };
  }
  const data: ServiceData = {
    serviceId,
    namespace: desired.namespace,
    name: desired.name,
    frontends,
    sessionAffinity: desired.sessionAffinity,
    affinityTimeoutSeconds: desired.affinityTimeoutSeconds,
    externalTrafficLocal: desired.externalTrafficLocal,
    internalTrafficLocal: desired.internalTrafficLocal,
  };
  const events: NewEvent[] = [];
  const serviceCause = input.current ?? input.triggers.service ?? RECONCILE_CAUSE;
  if (!record || !sameService(record.data, data)) events.push({ type: 'ServiceUpserted', data, cause: serviceCause });

  // Added before removed: a replaced backend never leaves a port briefly without any.
  const backendIds = new IdAllocator(BACKEND_ID_RANGE, state.backendIds);
  const allocated = new Map<string, number>();
  const wanted = new Set<string>();
  for (const b of desired.backends) {
    const backend = backendKey(b.ip, b.port, b.protocol);
    const member = memberKey(b.portName, backend);
    wanted.add(member);
    const known = record?.backends.get(member);
    if (known && known.state === b.state && known.node === b.node) continue;
    const backendId = known?.backendId ?? state.backends.get(backend)?.id ?? allocated.get(backend) ?? backendIds.allocate();
    if (backendId === undefined) {
      problem('endpoints', 'exhausted', `no free backend id for ${b.ip}:${b.port}/${b.protocol}: all ${BACKEND_ID_RANGE.max} are in use`);
      continue;
    }
    allocated.set(backend, backendId);
    events.push({
      type: 'BackendAdded',
      data: { serviceId, backendId, portName: b.portName, ip: b.ip, port: b.port, protocol: b.protocol, node: b.node, state: b.state },
      cause: b.cause,
    });
  }
  for (const [member, m] of record?.backends ?? []) {
    if (wanted.has(member)) continue;
    events.push({
      type: 'BackendRemoved',
      data: { serviceId, backendId: m.backendId, portName: m.portName },
      cause: removalCause(m, desired, input, serviceCause),
    });
  }
  return { request: request(events), problems };
}

function assignFrontendIds(
  state: LbState,
  key: string,
  before: readonly Frontend[],
  desired: DesiredService,
  problem: (field: string, reason: InputProblem['reason'], message: string) => void,
): Frontend[] {
  const idOf = new Map(before.map((f) => [frontendKey(f.ip, f.port, f.protocol), f.id]));
  const ids = new IdAllocator(FRONTEND_ID_RANGE, state.frontendIds);
  const out: Frontend[] = [];
  for (const f of desired.frontends) {
    const address = frontendKey(f.ip, f.port, f.protocol);
    const owner = state.frontendOwners.get(address);
    // First come keeps the address: moving it would silently steal another service's traffic.
    if (owner !== undefined && owner !== key) {
      problem(FRONTEND_FIELD[f.type], 'conflict', `${formatAddress(f.ip, f.port, f.protocol)} is already a frontend of service ${owner}`);
      continue;
    }
    const id = idOf.get(address) ?? ids.allocate();
    if (id === undefined) {
      problem(FRONTEND_FIELD[f.type], 'exhausted', `no free frontend id for ${formatAddress(f.ip, f.port, f.protocol)}: all ${FRONTEND_ID_RANGE.max} are in use`);
      continue;
    }
    out.push({ id, ...f });
  }
  return out;
}

// A backend left because its port left the service (the Service is the cause), or because its
// slice changed (that slice), or while the service was down (reconcile).
function removalCause(m: Membership, desired: DesiredService, input: ServiceDecisionInput, serviceCause: Cause): Cause {
  if (!desired.portNames.has(m.portName)) return serviceCause;
  return input.triggers.slice ?? input.triggers.service ?? RECONCILE_CAUSE;
}

function sameService(a: ServiceData, b: ServiceData): boolean {
  if (
    a.serviceId !== b.serviceId ||
    a.namespace !== b.namespace ||
    a.name !== b.name ||
    a.sessionAffinity !== b.sessionAffinity ||
    a.affinityTimeoutSeconds !== b.affinityTimeoutSeconds ||
    a.externalTrafficLocal !== b.externalTrafficLocal ||
    a.internalTrafficLocal !== b.internalTrafficLocal ||
    a.frontends.length !== b.frontends.length
  ) {
    return false;
  }
  return a.frontends.every((f, i) => {
    const g = b.frontends[i]!;
    return f.id === g.id && f.type === g.type && f.ip === g.ip && f.port === g.port && f.protocol === g.protocol && f.portName === g.portName;
  });
}

function splitKey(key: string): [string, string] {
  const slash = key.indexOf('/');
  return slash < 0 ? ['', key] : [key.slice(0, slash), key.slice(slash + 1)];
}
