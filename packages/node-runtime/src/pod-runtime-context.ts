import type { Logger } from '@netledger/runtime';
import type { CniPluginRunner } from './cni-plugin-runner.js';
import type { NodeApi } from './node-api.js';
import type { RuntimeLayout } from './runtime-layout.js';

/**
 * What the per-pod steps (sandbox, containers, status) need of the NodeRuntime: its settings
 * and the three things it keeps for all pods (the timers, the state file, the last error).
 */
export interface PodRuntimeContext {
  readonly nodeName: string;
  readonly nodeIp: string;
  readonly layout: RuntimeLayout;
  readonly cni: CniPluginRunner;
  readonly api: NodeApi;
  readonly logger: Logger;
  readonly cniRetry: { readonly initialMs: number; readonly maxMs: number };
  readonly cniFailureRetryMs: number;
  /** Syncs the pod again after `delayMs` (an earlier timer wins). */
  schedule(uid: string, delayMs: number): void;
  /** Writes every pod's record to the state file. */
  saveState(): void;
  /** Logs an error and keeps it as the runtime's last one (its /status shows it). */
  noteError(message: string): void;
}
