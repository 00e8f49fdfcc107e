import type { Pod } from '@netledger/k8s';
import { imageScript } from './pod-images.js';

/** The annotation that tells where a pod's network namespace is (its name under /var/run/netns). */
export const NETNS_ANNOTATION = 'netledger.io/netns';

export type RestartPolicy = 'Always' | 'OnFailure' | 'Never';

/** One container as the runtime runs it. */
export interface ContainerPlan {
  readonly name: string;
  readonly image: string;
  /** The built-in image's script; undefined = no process (any other image). */
  readonly script: string | undefined;
  /** `tcp:8080,udp:53`, as the images read NL_PORTS. */
  readonly ports: string;
  /** Plain `env` values of the container spec (valueFrom is not supported). */
  readonly env: Readonly<Record<string, string>>;
}

/** What the runtime needs of a pod, read once from the API object. */
export interface PodPlan {
  readonly uid: string;
  readonly namespace: string;
  readonly name: string;
  readonly hostNetwork: boolean;
  readonly restartPolicy: RestartPolicy;
  readonly containers: readonly ContainerPlan[];
  /** Succeeded or Failed: nothing runs any more. */
  readonly terminal: boolean;
  readonly deleting: boolean;
  readonly netnsAnnotation: string | undefined;
  /** The Ready condition as the API has it (a restarted runtime keeps its transition time). */
  readonly reportedReady: { readonly ready: boolean; readonly since: string } | undefined;
}

// Fields the k8s package leaves untyped; read defensively.
interface PodConditionExtras {
  readonly conditions?: ReadonlyArray<{ readonly type?: unknown; readonly status?: unknown; readonly lastTransitionTime?: unknown }>;
}

interface PodSpecExtras {
  readonly restartPolicy?: unknown;
  readonly containers?: ReadonlyArray<{ readonly env?: unknown }>;
}

/** The runtime's view of a pod scheduled to its node. */
export function planPod(pod: Pod): PodPlan {
  const spec = pod.spec ?? {};
  const extras = spec as PodSpecExtras;
  const restart = extras.restartPolicy;
  const containers = (spec.containers ?? []).map((c, i): ContainerPlan => {
    const ports = (c.ports ?? [])
      .filter((p) => p.protocol === undefined || p.protocol === 'TCP' || p.protocol === 'UDP')
      .map((p) => `${(p.protocol ?? 'TCP').toLowerCase()}:${p.containerPort}`)
      .join(',');
    return { name: c.name, image: c.image ?? '', script: imageScript(c.image), ports, env: plainEnv(extras.containers?.[i]?.env) };
  });
  const phase = pod.status?.phase;
  const readyCondition = (pod.status as PodConditionExtras | undefined)?.conditions?.find((c) => c.type === 'Ready');
  const since = readyCondition?.lastTransitionTime;
  return {
    uid: pod.metadata.uid,
    namespace: pod.metadata.namespace ?? 'default',
    name: pod.metadata.name,
    hostNetwork: spec.hostNetwork === true,
    restartPolicy: restart === 'Never' || restart === 'OnFailure' ? restart : 'Always',
    containers,
    terminal: phase === 'Succeeded' || phase === 'Failed',
    deleting: pod.metadata.deletionTimestamp !== undefined,
    netnsAnnotation: pod.metadata.annotations?.[NETNS_ANNOTATION],
    reportedReady: typeof since === 'string' ? { ready: readyCondition?.status === 'True', since } : undefined,
  };
}

function plainEnv(env: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!Array.isArray(env)) return out;
  for (const e of env as unknown[]) {
    if (typeof e !== 'object' || e === null) continue;
    const { name, value } = e as { name?: unknown; value?: unknown };
    if (typeof name === 'string' && typeof value === 'string') out[name] = value;
  }
  return out;
}

/** Whether a container that exited is started again under the pod's restart policy. */
export function restartsAfterExit(policy: RestartPolicy, exitCode: number | undefined): boolean {
  if (policy === 'Always') return true;
  if (policy === 'Never') return false;
  // OnFailure: an exit we did not see (the runtime was down) counts as a failure.
  return exitCode !== 0;
}
