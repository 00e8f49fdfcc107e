/** Where a container is, as containerStatuses[].state says it. */
export type ContainerState =
  | { readonly running: { readonly startedAt: string } }
  | { readonly waiting: { readonly reason: string; readonly message?: string } }
  | { readonly terminated: { readonly exitCode: number; readonly reason: string; readonly startedAt?: string; readonly finishedAt: string } };

export interface ContainerStatusInput {
  readonly name: string;
  readonly image: string;
  readonly containerId: string | undefined;
  readonly ready: boolean;
  readonly restartCount: number;
  readonly state: ContainerState;
}

export interface PodStatusInput {
  readonly phase: 'Pending' | 'Running' | 'Succeeded' | 'Failed';
  readonly hostIp: string;
  readonly podIp: string | undefined;
  readonly startTime: string;
  /** Why the pod is stuck (e.g. FailedCreatePodSandBox); undefined clears it. */
  readonly reason: string | undefined;
  readonly message: string | undefined;
  readonly containers: readonly ContainerStatusInput[];
  /** When the Ready condition last changed (kept by the caller across updates). */
  readonly readySince: string;
}

/**
 * The pod's status as the runtime reports it, for a merge patch of the status subresource:
 * fields it no longer has are sent as null so the patch removes them.
 */
export function buildPodStatus(input: PodStatusInput): Record<string, unknown> {
  const containersReady = input.containers.every((c) => c.ready);
  const ready = podReady(input.phase, input.containers);
  const condition = (type: string, ok: boolean, reason?: string) => ({
    type,
    status: ok ? 'True' : 'False',
    lastProbeTime: null,
    lastTransitionTime: type === 'Ready' || type === 'ContainersReady' ? input.readySince : input.startTime,
    ...(ok || reason === undefined ? {} : { reason }),
  });
  const sandboxReady = input.podIp !== undefined;
  return {
    phase: input.phase,
    reason: input.reason ?? null,
    message: input.message ?? null,
    hostIP: input.hostIp,
    hostIPs: [{ ip: input.hostIp }],
    podIP: input.podIp ?? null,
    podIPs: input.podIp === undefined ? null : [{ ip: input.podIp }],
    startTime: input.startTime,
    conditions: [
      condition('PodReadyToStartContainers', sandboxReady),
      condition('Initialized', true),
      condition('Ready', ready, containersReady ? 'PodNotRunning' : 'ContainersNotReady'),
      condition('ContainersReady', containersReady, 'ContainersNotReady'),
      condition('PodScheduled', true),
    ],
    containerStatuses: input.containers.map((c) => ({
      name: c.name,
      image: c.image,
      imageID: c.image,
      ...(c.containerId === undefined ? {} : { containerID: c.containerId }),
      ready: c.ready,
      started: 'running' in c.state,
      restartCount: c.restartCount,
      state: c.state,
    })),
  };
}

/** Ready: running with every container ready (what the caller tracks readySince by). */
export function podReady(phase: PodStatusInput['phase'], containers: readonly ContainerStatusInput[]): boolean {
  return phase === 'Running' && containers.every((c) => c.ready);
}
