import type { ObjectChange, ObjectSource, Pod } from '@netledger/k8s';
import type { Logger } from '@netledger/runtime';
import type { CniPluginRunner } from './cni-plugin-runner.js';
import type { NodeApi } from './node-api.js';
import { buildNodeObject, buildNodeStatus } from './node-object.js';
import { containerDiedUnseen, ensureContainers } from './pod-containers.js';
import { planPod, type PodPlan } from './pod-plan.js';
import type { PodRuntimeContext } from './pod-runtime-context.js';
import { ensureAnnotation, ensureSandbox, teardownPod } from './pod-sandbox.js';
import { newPodRecord, newPodSlot, type PodSlot } from './pod-slot.js';
import { reportStatus } from './pod-status-report.js';
import type { RuntimeLayout } from './runtime-layout.js';
import { runtimePodSummary, type RuntimePodSummary } from './runtime-pod-summary.js';
import { loadRuntimeState, saveRuntimeState, type PodRecord } from './runtime-state-file.js';

export type { RuntimePodSummary } from './runtime-pod-summary.js';

const RUNTIME_VERSION = 'netledger-runtime/0.1.0';

export interface NodeRuntimeOptions {
  readonly nodeName: string;
  /** The node's InternalIP and every pod's hostIP. */
  readonly nodeIp: string;
  readonly podCidr: string;
  readonly layout: RuntimeLayout;
  readonly cni: CniPluginRunner;
  /** Pods (cluster-wide; the runtime keeps those with spec.nodeName = nodeName). */
  readonly pods: ObjectSource<Pod>;
  readonly api: NodeApi;
  readonly logger: Logger;
  /** Delays of CNI ADD retries after "try again later" (code 11): default 250 ms doubling to 5 s. */
  readonly cniRetry?: { readonly initialMs: number; readonly maxMs: number };
  /** Delay before retrying after any other CNI failure (default 10 s). */
  readonly cniFailureRetryMs?: number;
}

/**
 * Plays kubelet for one node: registers the Node, and for each pod scheduled to it creates a
 * network namespace, calls the CNI plugin, runs the built-in image's process inside the
 * namespace and reports the pod's status. Deleted pods are torn down (processes, CNI DEL,
 * namespace). What it set up is recorded in a state file, so a restarted runtime adopts running
 * pods instead of setting them up again; `stop()` leaves pods running, as a kubelet restart does.
 */
export class NodeRuntime {
  private readonly slots = new Map<string, PodSlot>();
  private synced = false;
  private stopped = false;
  private liveness: NodeJS.Timeout | undefined;
  private nodeTimer: NodeJS.Timeout | undefined;
  private nodeRegistered = false;
  private lastError: string | undefined;
  private readonly startedAt = new Date().toISOString();
  /** What the per-pod steps (pod-sandbox, pod-containers, pod-status-report) see of the runtime. */
  private readonly ctx: PodRuntimeContext;

  private constructor(private readonly options: NodeRuntimeOptions) {
    this.ctx = {
      nodeName: options.nodeName,
      nodeIp: options.nodeIp,
      layout: options.layout,
      cni: options.cni,
      api: options.api,
      logger: options.logger,
      cniRetry: options.cniRetry ?? { initialMs: 250, maxMs: 5000 },
      cniFailureRetryMs: options.cniFailureRetryMs ?? 10_000,
      schedule: (uid, delayMs) => this.schedule(uid, delayMs),
      saveState: () => this.saveState(),
      noteError: (message) => this.noteError(message),
    };
  }

  /**
   * Reads the state file, registers the Node (retried in the background when the API is not
   * there), and resolves once the pod source has synced; only then are recorded pods whose
   * pod is gone torn down.
   */
  static async start(options: NodeRuntimeOptions): Promise<NodeRuntime> {
    const runtime = new NodeRuntime(options);
    for (const record of loadRuntimeState(options.layout.stateFile).values()) runtime.slot(record.uid).record = record;
    await runtime.registerNode();
    await options.pods.start((change) => runtime.onPodChange(change));
    runtime.synced = true;
    for (const uid of runtime.slots.keys()) runtime.schedule(uid, 0);
    // Adopted processes are not our children: their exits are noticed by looking.
    runtime.liveness = setInterval(() => runtime.checkProcesses(), 1000);
    runtime.liveness.unref();
    return runtime;
  }

  get nodeName(): string {
    return this.options.nodeName;
  }

  /** Stops watching and leaves every pod running; a later start adopts them. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearInterval(this.liveness);
    clearTimeout(this.nodeTimer);
    for (const slot of this.slots.values()) clearTimeout(slot.timer);
    await this.options.pods.stop();
    await Promise.allSettled([...this.slots.values()].map((s) => s.running));
    this.saveState();
  }

  /** Resolves once no pod is being synced and none is due within `withinMs` (tests, `up`). */
  async idle(withinMs = 0): Promise<void> {
    for (;;) {
      const busy = [...this.slots.values()].filter((s) => s.running || (s.timer && s.timerAt <= Date.now() + withinMs));
      if (busy.length === 0) return;
      await Promise.allSettled(busy.map((s) => s.running ?? new Promise((r) => setTimeout(r, 20))));
    }
  }

  /** Fields of the runtime's `/status`. */
  status(): Record<string, unknown> & { healthy: boolean } {
    const pods = [...this.slots.values()].filter((s) => s.record);
    return {
      healthy: this.synced && this.nodeRegistered,
      node: this.options.nodeName,
      nodeIp: this.options.nodeIp,
      podCidr: this.options.podCidr,
      cniPlugin: this.options.cni.pluginPath,
      synced: this.synced,
      nodeRegistered: this.nodeRegistered,
      startedAt: this.startedAt,
      pods: pods.length,
      podsWithProblems: pods.filter((s) => s.failure || s.waiting).length,
      ...(this.lastError === undefined ? {} : { lastError: this.lastError }),
    };
  }

  /** The pods this runtime has set up, for `/v1/pods`. */
  podSummaries(): RuntimePodSummary[] {
    return [...this.slots.values()]
      .flatMap((s) => (s.record ? [runtimePodSummary(s, s.record)] : []))
      .sort((a, b) => `${a.namespace}/${a.name}`.localeCompare(`${b.namespace}/${b.name}`));
  }

  private slot(uid: string): PodSlot {
    let slot = this.slots.get(uid);
    if (!slot) {
      slot = newPodSlot(uid);
      this.slots.set(uid, slot);
    }
    return slot;
  }

  private async registerNode(): Promise<void> {
    if (this.stopped) return;
    const node = { name: this.options.nodeName, podCidr: this.options.podCidr, nodeIp: this.options.nodeIp, version: RUNTIME_VERSION };
    try {
      await this.options.api.registerNode(buildNodeObject(node), buildNodeStatus(node, new Date().toISOString()));
      this.nodeRegistered = true;
      this.options.logger.info(`node ${node.name} registered (podCIDR ${node.podCidr}, InternalIP ${node.nodeIp})`);
    } catch (e) {
      this.noteError(`registering node ${node.name}: ${(e as Error).message}; retrying in 5 s`);
      this.nodeTimer = setTimeout(() => void this.registerNode(), 5000);
      this.nodeTimer.unref();
    }
  }

  private onPodChange(change: ObjectChange<Pod>): void {
    const pod = change.object;
    const uid = pod.metadata.uid;
    const ours = change.type === 'upsert' && pod.spec?.nodeName === this.options.nodeName;
    if (!ours && !this.slots.has(uid)) return;
    const slot = this.slot(uid);
    slot.desired = ours ? planPod(pod) : undefined;
    if (this.synced) this.schedule(uid, 0);
  }

  private schedule(uid: string, delayMs: number): void {
    const slot = this.slots.get(uid);
    if (!slot || this.stopped) return;
    const at = Date.now() + delayMs;
    if (slot.timer && slot.timerAt <= at) return;
    clearTimeout(slot.timer);
    slot.timerAt = at;
    slot.timer = setTimeout(() => {
      slot.timer = undefined;
      this.runSync(slot);
    }, delayMs);
  }

  /** One sync at a time per pod; a request during a sync runs another one after it. */
  private runSync(slot: PodSlot): void {
    if (this.stopped) return;
    if (slot.running) {
      slot.again = true;
      return;
    }
    slot.running = this.syncPod(slot)
      .catch((e: unknown) => {
        const what = slot.desired ?? slot.record;
        this.noteError(`pod ${what ? `${what.namespace}/${what.name}` : slot.uid}: ${(e as Error).message}; retrying in 2 s`);
        this.schedule(slot.uid, 2000);
      })
      .finally(() => {
        slot.running = undefined;
        if (slot.again) {
          slot.again = false;
          this.runSync(slot);
        } else if (!slot.desired && !slot.record && !slot.timer) {
          this.slots.delete(slot.uid);
        }
      });
  }

  private async syncPod(slot: PodSlot): Promise<void> {
    const plan = slot.desired;
    if (!plan || plan.terminal || plan.deleting || slot.finished) {
      if (slot.record) await teardownPod(this.ctx, slot);
      return;
    }
    const record = slot.record ?? this.newRecord(slot, plan);
    if (await ensureSandbox(this.ctx, slot, plan, record)) {
      await ensureAnnotation(this.ctx, slot, plan, record);
      ensureContainers(this.ctx, slot, plan, record);
    }
    const phase = await reportStatus(this.ctx, slot, plan, record);
    if (phase === 'Succeeded' || phase === 'Failed') {
      slot.finished = true;
      this.options.logger.info(`pod ${plan.namespace}/${plan.name}: ${phase} (restartPolicy ${plan.restartPolicy}); tearing down its sandbox`);
      await teardownPod(this.ctx, slot);
    }
  }

  private newRecord(slot: PodSlot, plan: PodPlan): PodRecord {
    const record = newPodRecord(slot, plan);
    // Recorded before the namespace exists: a crash in between leaves nothing unrecorded.
    this.saveState();
    return record;
  }

  private checkProcesses(): void {
    for (const slot of this.slots.values()) {
      const record = slot.record;
      if (!record || slot.running || slot.timer) continue;
      if (containerDiedUnseen(slot, record)) this.schedule(slot.uid, 0);
    }
  }

  private saveState(): void {
    const records = [...this.slots.values()].flatMap((s) => (s.record ? [s.record] : []));
    saveRuntimeState(this.options.layout.stateFile, records);
  }

  private noteError(message: string): void {
    this.lastError = message;
    this.options.logger.error(message);
  }
}
