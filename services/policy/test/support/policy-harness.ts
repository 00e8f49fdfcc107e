// Runs the policy domain on a real SQLite log in a temp dir, fed by in-memory sources, the way
// the service host would, and lets a test stop and restart it on the same log.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createNetledgerRegistry, type EventEnvelope } from '@netledger/contracts';
import { openSqliteEventLog, type EventLog } from '@netledger/eventlog';
import { MemoryClusterSources, type MemoryObjectSource, type PolicyObject } from '@netledger/k8s';
import { DataDir, type Logger, type ServiceConfig } from '@netledger/runtime';
import { PolicyDomain, type PolicyDomainOptions } from '@netledger/policy-service';

/** A policy object as written in a test (no uid or resourceVersion: the harness assigns them). */
export interface PolicyManifest {
  readonly apiVersion?: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string; readonly labels?: Record<string, string>; readonly annotations?: Record<string, string> };
  readonly [field: string]: unknown;
}

export interface HarnessOptions {
  readonly snapshotEvery?: number;
  readonly domain?: PolicyDomainOptions;
  /** Wraps the log the domain gets (to count or fail appends). */
  readonly wrapLog?: (log: EventLog) => EventLog;
}

export class PolicyHarness {
  readonly sources = new MemoryClusterSources();
  readonly errors: string[] = [];
  domain: PolicyDomain | undefined;
  #log: EventLog | undefined;
  #uids = new Map<string, string>();
  #nextUid = 0;
  #resourceVersion = 100;

  private constructor(
    readonly dir: string,
    readonly options: HarnessOptions & { readonly snapshotEvery: number },
  ) {}

  static create(options: HarnessOptions = {}): PolicyHarness {
    return new PolicyHarness(mkdtempSync(join(tmpdir(), 'netledger-policy-')), { ...options, snapshotEvery: options.snapshotEvery ?? 1000 });
  }

  get log(): EventLog {
    if (!this.#log) throw new Error('harness: the domain is not running');
    return this.#log;
  }

  /** Opens the log and starts a new domain on it (the initial list and reconcile included). */
  async start(): Promise<PolicyDomain> {
    this.#log = await openSqliteEventLog({ service: 'policy', registry: createNetledgerRegistry(), file: join(this.dir, 'policy.db') });
    const domain = new PolicyDomain(this.options.domain);
    const logger: Logger = { info: () => {}, error: (m) => this.errors.push(m) };
    const log = this.options.wrapLog ? this.options.wrapLog(this.#log) : this.#log;
    await domain.start({ config: serviceConfig(this.dir, this.options.snapshotEvery), log, sources: this.sources, logger });
    this.domain = domain;
    return domain;
  }

  async stop(): Promise<void> {
    await this.domain?.stop();
    await this.#log?.close();
    this.domain = undefined;
    this.#log = undefined;
  }

  async close(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** Creates or updates an object (a new resourceVersion each time) and waits until it is decided. */
  async apply(manifest: PolicyManifest): Promise<PolicyObject> {
    const object = this.#stamp(manifest);
    await this.source(manifest.kind).upsert(object);
    await this.domain?.idle();
    return object;
  }

  /** Deletes an object (its last stamped state is what the watch delivers) and waits. */
  async delete(manifest: Pick<PolicyManifest, 'kind' | 'metadata'>): Promise<void> {
    const source = this.source(manifest.kind);
    const key = keyOf(manifest);
    const last = source.list().find((o) => keyOf({ kind: manifest.kind, metadata: o.metadata }) === key);
    if (!last) throw new Error(`harness: ${key} does not exist`);
    this.#uids.delete(key);
    await source.delete({ ...last, metadata: { ...last.metadata, resourceVersion: String(++this.#resourceVersion) } });
    await this.domain?.idle();
  }

  async events(fromSeq = 1): Promise<EventEnvelope[]> {
    return this.log.readAll(fromSeq);
  }

  async lastSeq(): Promise<number> {
    return (await this.log.head()).lastSeq;
  }

  source(kind: string): MemoryObjectSource<PolicyObject> {
    switch (kind) {
      case 'NetworkPolicy':
        return this.sources.networkPolicySource;
      case 'CiliumNetworkPolicy':
        return this.sources.cnpSource;
      case 'CiliumClusterwideNetworkPolicy':
        return this.sources.ccnpSource;
      default:
        throw new Error(`harness: no source for kind ${kind}`);
    }
  }

  #stamp(manifest: PolicyManifest): PolicyObject {
    const key = keyOf(manifest);
    let uid = this.#uids.get(key);
    if (uid === undefined) {
      uid = `uid-${++this.#nextUid}`;
      this.#uids.set(key, uid);
    }
    return { ...manifest, metadata: { ...manifest.metadata, uid, resourceVersion: String(++this.#resourceVersion) } } as PolicyObject;
  }
}

function keyOf(o: Pick<PolicyManifest, 'kind' | 'metadata'>): string {
  return o.kind === 'CiliumClusterwideNetworkPolicy' ? `${o.kind}/${o.metadata.name}` : `${o.kind}/${o.metadata.namespace ?? 'default'}/${o.metadata.name}`;
}

function serviceConfig(dir: string, snapshotEvery: number): ServiceConfig {
  return {
    dataDir: new DataDir(dir),
    natsServers: [],
    natsCredentials: undefined,
    statusHost: '127.0.0.1',
    statusPort: 0,
    exitWithParent: false,
    service: 'policy',
    storage: { kind: 'sqlite', file: join(dir, 'policy.db') },
    snapshotEvery,
    kubeconfig: undefined,
  };
}
