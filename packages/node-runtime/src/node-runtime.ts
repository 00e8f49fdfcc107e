import { rmSync } from 'node:fs';
import { constants } from 'node:os';
import type { ChildProcess } from 'node:child_process';
import { CNI_ERROR_CODES, CniPluginError } from '@netledger/cni';
import type { ObjectChange, ObjectSource, Pod } from '@netledger/k8s';
import type { Logger } from '@netledger/runtime';
import { podIpOf, type CniPluginRunner } from './cni-plugin-runner.js';
import { isProcessAlive, logSaysReady, startContainerProcess, stopContainerProcess } from './container-process.js';
import { addNetns, deleteNetns, netnsExists, netnsNameFor, netnsPath } from './netns.js';
import type { NodeApi } from './node-api.js';
import { podCniCall } from './pod-cni-call.js';
import { buildNodeObject, buildNodeStatus } from './node-object.js';
import { NETNS_ANNOTATION, planPod, restartsAfterExit, type ContainerPlan, type PodPlan } from './pod-plan.js';
import { buildPodStatus, podReady, type ContainerStatusInput, type PodStatusInput } from './pod-status.js';
import type { RuntimeLayout } from './runtime-layout.js';
import { loadRuntimeState, saveRuntimeState, type ContainerRecord, type PodRecord } from './runtime-state-file.js';

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

/** Last exit of a container process, when the runtime saw it (exit code unknown for adopted ones). */
interface ContainerExit {
  readonly pid: number;
  readonly exitCode: number | undefined;
  readonly finishedAt: string;
}

/** The runtime's in-memory side of one pod: what the API wants and what is set up. */
interface PodSlot {
  readonly uid: string;
  desired: PodPlan | undefined;
  record: PodRecord | undefined;
  running: Promise<void> | undefined;
  again: boolean;
  timer: NodeJS.Timeout | undefined;
  timerAt: number;
  cniAttempts: number;
  /** A CNI failure other than "try again later": the pod's status reason. */
  failure: { readonly reason: string; readonly message: string } | undefined;
  /** Why the sandbox is not there yet (CNI asked to try again). */
  waiting: string | undefined;
  lastStatus: string | undefined;
  annotated: boolean;
  wasReady: boolean;
  readySince: string | undefined;
  readonly exits: Map<string, ContainerExit>;
  /** Pids whose `ready` line was seen (the log is not read again). */
  readonly readyPids: Set<number>;
  /** Terminal under its restart policy: never set up again. */
  finished: boolean;
}

/** One line of `/v1/pods` on the runtime's status endpoint. */
export interface RuntimePodSummary {
  readonly namespace: string;
  readonly name: string;
  readonly uid: string;
  readonly netns: string | undefined;
  readonly ip: string | undefined;
  readonly processes: ReadonlyArray<{ readonly container: string; readonly pid: number; readonly alive: boolean; readonly restartCount: number }>;
  readonly problem: string | undefined;
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
  private readonly cniRetry: { readonly initialMs: number; readonly maxMs: number };
  private readonly cniFailureRetryMs: number;

  private constructor(private readonly options: NodeRuntimeOptions) {
    this.cniRetry = options.cniRetry ?? { initialMs: 250, maxMs: 5000 };
    this.cniFailureRetryMs = options.cniFailureRetryMs ?? 10_000;
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
      .filter((s) => s.record)
      .map((s) => {
        const r = s.record as PodRecord;
        return {
          namespace: r.namespace,
          name: r.name,
          uid: r.uid,
          netns: r.netns,
          ip: r.ip,
          processes: r.containers.map((c) => ({ container: c.name, pid: c.pid, alive: isProcessAlive(c.pid, c.startTime), restartCount: c.restartCount })),
          problem: s.failure?.message ?? s.waiting,
        };
      })
      .sort((a, b) => `${a.namespace}/${a.name}`.localeCompare(`${b.namespace}/${b.name}`));
  }

  private slot(uid: string): PodSlot {
    let slot = this.slots.get(uid);
    if (!slot) {
      slot = {
        uid,
        desired: undefined,
        record: undefined,
        running: undefined,
        again: false,
        timer: undefined,
        timerAt: 0,
        cniAttempts: 0,
        failure: undefined,
        waiting: undefined,
        lastStatus: undefined,
        annotated: false,
        wasReady: false,
        readySince: undefined,
        exits: new Map(),
        readyPids: new Set(),
        finished: false,
      };
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
      if (slot.record) await this.teardown(slot);
      return;
    }
    const record = slot.record ?? this.newRecord(slot, plan);
    if (await this.ensureSandbox(slot, plan, record)) {
      await this.ensureAnnotation(slot, plan, record);
      this.ensureContainers(slot, plan, record);
    }
    const phase = await this.reportStatus(slot, plan, record);
    if (phase === 'Succeeded' || phase === 'Failed') {
      slot.finished = true;
      this.options.logger.info(`pod ${plan.namespace}/${plan.name}: ${phase} (restartPolicy ${plan.restartPolicy}); tearing down its sandbox`);
      await this.teardown(slot);
    }
  }

  private newRecord(slot: PodSlot, plan: PodPlan): PodRecord {
    const record: PodRecord = {
      uid: plan.uid,
      namespace: plan.namespace,
      name: plan.name,
      netns: plan.hostNetwork ? undefined : netnsNameFor(plan.namespace, plan.name, plan.uid),
      createdAt: new Date().toISOString(),
      ip: undefined,
      cniResult: undefined,
      containers: [],
    };
    // Recorded before the namespace exists: a crash in between leaves nothing unrecorded.
    slot.record = record;
    this.saveState();
    return record;
  }

  /** Network namespace and CNI ADD; false while the pod has no network yet (a retry is scheduled). */
  private async ensureSandbox(slot: PodSlot, plan: PodPlan, record: PodRecord): Promise<boolean> {
    if (record.netns === undefined) {
      if (record.ip !== this.options.nodeIp) {
        record.ip = this.options.nodeIp;
        this.saveState();
      }
      return true;
    }
    if (!netnsExists(record.netns)) {
      if (record.ip !== undefined || record.containers.length > 0) {
        // Someone removed the namespace (or the machine rebooted): release the old address, start over.
        this.options.logger.error(`pod ${plan.namespace}/${plan.name}: network namespace ${record.netns} is gone; setting the pod up again`);
        await this.stopContainers(record);
        await this.options.cni.del(podCniCall(record, undefined)).catch((e: unknown) => this.noteError((e as Error).message));
        record.ip = undefined;
        record.cniResult = undefined;
        record.containers = [];
        this.saveState();
      }
      await addNetns(record.netns);
    }
    if (record.ip !== undefined) return true;
    const call = podCniCall(record, netnsPath(record.netns));
    try {
      const result = await this.options.cni.add(call);
      const ip = podIpOf(result);
      if (ip === undefined) throw new CniPluginError('ADD', this.options.cni.pluginPath, undefined, 'the result has no address', undefined, 0, '');
      record.ip = ip;
      record.cniResult = result;
      slot.cniAttempts = 0;
      slot.failure = undefined;
      slot.waiting = undefined;
      this.saveState();
      this.options.logger.info(`pod ${plan.namespace}/${plan.name}: network ready, ip ${ip} (netns ${record.netns})`);
      return true;
    } catch (e) {
      if (!(e instanceof CniPluginError)) throw e;
      slot.cniAttempts += 1;
      if (e.code === CNI_ERROR_CODES.TRY_AGAIN_LATER) {
        const delay = Math.min(this.cniRetry.initialMs * 2 ** Math.min(slot.cniAttempts - 1, 20), this.cniRetry.maxMs);
        slot.waiting = `network not ready: ${e.msg}`;
        slot.failure = undefined;
        if (slot.cniAttempts === 1 || slot.cniAttempts % 10 === 0) {
          this.options.logger.info(`pod ${plan.namespace}/${plan.name}: CNI ADD says try again later (attempt ${slot.cniAttempts}): ${e.msg}; retrying in ${delay} ms`);
        }
        this.schedule(record.uid, delay);
      } else {
        slot.failure = { reason: 'FailedCreatePodSandBox', message: e.message };
        slot.waiting = undefined;
        // An event in kubelet's words, as a log line: what failed and when it is tried again.
        this.noteError(`Warning FailedCreatePodSandBox pod/${plan.namespace}/${plan.name}: ${e.message}; retrying in ${this.cniFailureRetryMs / 1000} s`);
        // The spec asks a runtime to DEL after a failed ADD, so the plugin releases what it took.
        await this.options.cni.del(call).catch(() => undefined);
        this.schedule(record.uid, this.cniFailureRetryMs);
      }
      return false;
    }
  }

  private async ensureAnnotation(slot: PodSlot, plan: PodPlan, record: PodRecord): Promise<void> {
    if (record.netns === undefined || slot.annotated || plan.netnsAnnotation === record.netns) return;
    await this.options.api.annotatePod(plan.namespace, plan.name, { [NETNS_ANNOTATION]: record.netns });
    slot.annotated = true;
  }

  /** Starts containers that should run and do not; schedules the next look when one waits for its backoff. */
  private ensureContainers(slot: PodSlot, plan: PodPlan, record: PodRecord): void {
    for (const container of plan.containers) {
      if (container.script === undefined) continue;
      const current = record.containers.find((c) => c.name === container.name);
      if (current && isProcessAlive(current.pid, current.startTime)) continue;
      if (current) {
        const exit = this.exitOf(slot, current);
        if (!restartsAfterExit(plan.restartPolicy, exit.exitCode)) continue;
        // Crash loops back off (1 s doubling to 30 s); a process that ran 10 s restarts at once.
        const ran = Date.parse(exit.finishedAt) - Date.parse(current.startedAt);
        const delay = ran > 10_000 ? 0 : Math.min(1000 * 2 ** Math.min(current.restartCount, 5), 30_000);
        const due = Date.parse(exit.finishedAt) + delay - Date.now();
        if (due > 0) {
          this.schedule(record.uid, due);
          continue;
        }
        this.options.logger.info(
          `pod ${plan.namespace}/${plan.name}: container ${container.name} exited (${exit.exitCode === undefined ? 'exit code unknown' : `code ${exit.exitCode}`}); restarting it`,
        );
      }
      this.startContainer(slot, plan, record, container, current ? current.restartCount + 1 : 0);
    }
  }

  private startContainer(slot: PodSlot, plan: PodPlan, record: PodRecord, container: ContainerPlan, restartCount: number): void {
    const logFile = this.options.layout.containerLog(record.uid, container.name);
    const started = startContainerProcess({
      netns: record.netns,
      script: container.script as string,
      logFile,
      env: {
        ...container.env,
        NL_POD: plan.name,
        NL_NAMESPACE: plan.namespace,
        NL_NODE: this.options.nodeName,
        NL_POD_IP: record.ip ?? '',
        NL_PORTS: container.ports,
      },
    });
    const entry: ContainerRecord = {
      name: container.name,
      image: container.image,
      pid: started.pid,
      startTime: started.startTime,
      startedAt: new Date().toISOString(),
      logFile,
      logOffset: started.logOffset,
      restartCount,
    };
    record.containers = [...record.containers.filter((c) => c.name !== container.name), entry];
    slot.exits.delete(container.name);
    this.saveState();
    this.watchChild(slot, container.name, started.pid, started.child);
  }

  private watchChild(slot: PodSlot, container: string, pid: number, child: ChildProcess): void {
    const exited = (code: number | null, signal: NodeJS.Signals | null): void => {
      const current = slot.record?.containers.find((c) => c.name === container);
      if (current?.pid !== pid || slot.exits.has(container)) return;
      slot.exits.set(container, { pid, exitCode: code ?? (signal ? 128 + (constants.signals[signal] ?? 0) : undefined), finishedAt: new Date().toISOString() });
      this.schedule(slot.uid, 0);
    };
    if (pid === 0) {
      exited(127, null);
      return;
    }
    child.once('exit', exited);
  }

  private exitOf(slot: PodSlot, current: ContainerRecord): ContainerExit {
    const seen = slot.exits.get(current.name);
    if (seen && seen.pid === current.pid) return seen;
    // Died while nobody watched (an adopted process): exit code unknown, noticed now.
    const exit: ContainerExit = { pid: current.pid, exitCode: undefined, finishedAt: new Date().toISOString() };
    slot.exits.set(current.name, exit);
    return exit;
  }

  /** Patches the pod's status when it changed; returns the phase it reported. */
  private async reportStatus(slot: PodSlot, plan: PodPlan, record: PodRecord): Promise<PodStatusInput['phase']> {
    const containers = plan.containers.map((c) => this.containerStatus(slot, plan, record, c));
    const input = this.statusInput(slot, plan, record, containers);
    const ready = podReady(input.phase, containers);
    if (slot.readySince === undefined && plan.reportedReady) {
      slot.wasReady = plan.reportedReady.ready;
      slot.readySince = plan.reportedReady.since;
    }
    if (ready !== slot.wasReady || slot.readySince === undefined) {
      slot.wasReady = ready;
      slot.readySince = new Date().toISOString();
    }
    const status = buildPodStatus({ ...input, readySince: slot.readySince });
    const json = JSON.stringify(status);
    if (json !== slot.lastStatus) {
      await this.options.api.patchPodStatus(plan.namespace, plan.name, status);
      const was = slot.lastStatus === undefined ? undefined : (JSON.parse(slot.lastStatus) as { phase: string; conditions: Array<{ type: string; status: string }> });
      slot.lastStatus = json;
      const wasReady = was?.conditions.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
      if (ready && !wasReady) this.options.logger.info(`pod ${plan.namespace}/${plan.name}: Ready (ip ${record.ip})`);
    }
    // Readiness is a line in the log: look again shortly while a running container has not said it.
    if (input.phase === 'Running' && !ready && containers.some((c) => 'running' in c.state)) this.schedule(record.uid, 100);
    return input.phase;
  }

  private statusInput(slot: PodSlot, plan: PodPlan, record: PodRecord, containers: readonly ContainerStatusInput[]): Omit<PodStatusInput, 'readySince'> {
    const base = { hostIp: this.options.nodeIp, podIp: record.ip, startTime: record.createdAt, containers };
    if (record.ip === undefined) return { ...base, phase: 'Pending', reason: slot.failure?.reason, message: slot.failure?.message };
    const withProcess = containers.filter((_, i) => plan.containers[i]?.script !== undefined);
    const allTerminated = containers.length > 0 && withProcess.length === containers.length && containers.every((c) => 'terminated' in c.state);
    if (allTerminated) {
      const failed = containers.some((c) => 'terminated' in c.state && c.state.terminated.exitCode !== 0);
      return { ...base, phase: failed ? 'Failed' : 'Succeeded', reason: undefined, message: undefined };
    }
    const pending = containers.some((c) => 'waiting' in c.state && c.state.waiting.reason === 'ContainerCreating');
    return { ...base, phase: pending ? 'Pending' : 'Running', reason: undefined, message: undefined };
  }

  private containerStatus(slot: PodSlot, plan: PodPlan, record: PodRecord, container: ContainerPlan): ContainerStatusInput {
    const base = { name: container.name, image: container.image };
    if (record.ip === undefined) {
      const message = slot.failure?.message ?? slot.waiting;
      return { ...base, containerId: undefined, ready: false, restartCount: 0, state: { waiting: { reason: 'ContainerCreating', ...(message ? { message } : {}) } } };
    }
    if (container.script === undefined) {
      // No process to run: the pod is its network, like a pause container.
      return { ...base, containerId: `netledger://${record.uid}/${container.name}`, ready: true, restartCount: 0, state: { running: { startedAt: record.createdAt } } };
    }
    const current = record.containers.find((c) => c.name === container.name);
    if (!current) return { ...base, containerId: undefined, ready: false, restartCount: 0, state: { waiting: { reason: 'ContainerCreating' } } };
    const containerId = `netledger://${current.pid}`;
    if (isProcessAlive(current.pid, current.startTime)) {
      if (!slot.readyPids.has(current.pid) && logSaysReady(current.logFile, current.logOffset)) slot.readyPids.add(current.pid);
      return { ...base, containerId, ready: slot.readyPids.has(current.pid), restartCount: current.restartCount, state: { running: { startedAt: current.startedAt } } };
    }
    const exit = this.exitOf(slot, current);
    if (restartsAfterExit(plan.restartPolicy, exit.exitCode)) {
      return { ...base, containerId, ready: false, restartCount: current.restartCount, state: { waiting: { reason: 'CrashLoopBackOff', message: `container ${container.name} exited; restarting` } } };
    }
    const exitCode = exit.exitCode ?? 1;
    return {
      ...base,
      containerId,
      ready: false,
      restartCount: current.restartCount,
      state: { terminated: { exitCode, reason: exitCode === 0 ? 'Completed' : 'Error', startedAt: current.startedAt, finishedAt: exit.finishedAt } },
    };
  }

  /** Processes, CNI DEL, namespace, logs; the record goes once all of it succeeded. */
  private async teardown(slot: PodSlot): Promise<void> {
    const record = slot.record;
    if (!record) return;
    await this.stopContainers(record);
    if (record.netns !== undefined) {
      const exists = netnsExists(record.netns);
      if (record.ip !== undefined || exists) {
        try {
          await this.options.cni.del(podCniCall(record, exists ? netnsPath(record.netns) : undefined));
        } catch (e) {
          if (!(e instanceof CniPluginError)) throw e;
          this.noteError(`Warning FailedKillPodSandBox pod/${record.namespace}/${record.name}: ${e.message}; retrying in ${this.cniFailureRetryMs / 1000} s`);
          this.schedule(record.uid, this.cniFailureRetryMs);
          return;
        }
      }
      await deleteNetns(record.netns);
    }
    rmSync(this.options.layout.podLogDir(record.uid), { recursive: true, force: true });
    slot.record = undefined;
    slot.lastStatus = undefined;
    this.saveState();
    this.options.logger.info(`pod ${record.namespace}/${record.name}: torn down${record.ip ? ` (ip ${record.ip} released)` : ''}`);
  }

  private async stopContainers(record: PodRecord): Promise<void> {
    await Promise.all(record.containers.map((c) => stopContainerProcess(c.pid, c.startTime)));
  }

  private checkProcesses(): void {
    for (const slot of this.slots.values()) {
      const record = slot.record;
      if (!record || slot.running || slot.timer) continue;
      const died = record.containers.some((c) => !slot.exits.has(c.name) && !isProcessAlive(c.pid, c.startTime));
      if (died) this.schedule(slot.uid, 0);
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
