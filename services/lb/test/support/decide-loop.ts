import type { NewEvent } from '@netledger/contracts';
import type { EndpointSlice, Service } from '@netledger/k8s';
import { applyLbEvent, decideService, desiredService, kubernetesCause, type InputProblem, type LbState } from '@netledger/lb-service';

/** Decides one service against the state and applies the events, as the domain does without the log. */
export function decideAndApply(
  state: LbState,
  key: string,
  service: Service | undefined,
  slices: readonly EndpointSlice[] = [],
): { events: NewEvent[]; problems: readonly InputProblem[] } {
  const desired = service ? desiredService(service, slices) : { desired: undefined, problems: [] };
  const decision = decideService(state, {
    key,
    desired: desired.desired,
    current: service ? kubernetesCause('Service', service) : undefined,
    triggers: {},
  });
  const request = decision.request;
  if (!request) return { events: [], problems: [...desired.problems, ...decision.problems] };
  const base = request.expectedVersion as number;
  request.events.forEach((e, i) => applyLbEvent(state, { stream: request.stream, version: base + i + 1, type: e.type, data: e.data }));
  return { events: [...request.events], problems: [...desired.problems, ...decision.problems] };
}
