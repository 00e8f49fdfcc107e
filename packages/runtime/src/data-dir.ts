import { join, resolve } from 'node:path';
import type { ServiceName } from '@netledger/contracts';

/** Default data directory of the local stack, relative to where a command runs. */
export const DEFAULT_DATA_DIR = '.netledger';

/**
 * Where everything of one local stack lives. Every command finds the running stack
 * through this layout, so it is the only place that knows file names.
 */
export class DataDir {
  readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
  }

  get natsStore(): string {
    return join(this.root, 'nats');
  }
  /** The NATS credentials files `netledger up` writes, one per user (docs/security.md). */
  get credentials(): string {
    return join(this.root, 'credentials');
  }
  credentialsFile(user: string): string {
    return join(this.credentials, `${user}.json`);
  }
  /** The nats-server config: JetStream's store, users by public key and their permissions (no secrets). */
  get natsAuthConfig(): string {
    return join(this.root, 'nats-auth.conf');
  }
  get logs(): string {
    return join(this.root, 'logs');
  }
  get run(): string {
    return join(this.root, 'run');
  }
  /** The stack description written by `netledger up`: addresses and storage of every component. */
  get stackFile(): string {
    return join(this.root, 'stack.json');
  }
  /** PID file of the `netledger up` supervisor. */
  get supervisorPidFile(): string {
    return join(this.run, 'up.pid');
  }
  /** Kubeconfig of the local API server (written by it at start). */
  get kubeconfig(): string {
    return join(this.root, 'kubeconfig');
  }
  serviceDb(service: ServiceName): string {
    return join(this.root, service, 'events.db');
  }
  agentDir(node: string): string {
    return join(this.root, 'agents', node);
  }
  logFile(component: string): string {
    return join(this.logs, `${component}.log`);
  }
  runFile(component: string): string {
    return join(this.run, `${component}.json`);
  }
  /** Prometheus file-based discovery: one targets file per component that serves /metrics. */
  get metricsTargets(): string {
    return join(this.root, 'metrics-targets');
  }
  metricsTargetFile(component: string): string {
    return join(this.metricsTargets, `${component}.json`);
  }
}
