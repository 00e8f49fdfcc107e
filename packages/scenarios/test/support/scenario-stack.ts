import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NatsServerProcess } from '@netledger/bus';
import { createNetledgerRegistry, type ServiceName } from '@netledger/contracts';
import type { DatapathMaps } from '@netledger/datapath';
import { IdentityDomain, type IdentityOptions } from '@netledger/identity-service';
import { createInformerSources, createKubeClient, objectKey, parseManifests, type KubeClient, type KubeManifest, type KubeObject } from '@netledger/k8s';
import { startLocalApiServer, type LocalApiServer } from '@netledger/kube-apiserver';
import { LbDomain } from '@netledger/lb-service';
import { runNodeAgent, type RunningAgent } from '@netledger/node-agent';
import { PolicyDomain } from '@netledger/policy-service';
import { fetchStatus, parseAgentArgs, parseServiceArgs, runService, type Logger, type RunningService, type ServiceDomain } from '@netledger/runtime';
import { DeliveryTrackingSources, type ExpectedDelivery } from './delivery-tracking-sources.js';
import { waitFor } from './wait-for.js';

/** One service running in-process, with what the stack needs to know when it settled. */
interface ServiceHandle {
  readonly name: ServiceName;
  readonly running: RunningService;
  readonly sources: DeliveryTrackingSources;
  /** Resolves once every change handed to the domain is decided and appended. */
  settled(): Promise<void>;
  /** The identity service's garbage collection, run now. */
  collectGarbage?(): Promise<number>;
}

/** How to start an agent on the stack. */
export interface AgentOptions {
  readonly node: string;
  /** 'bpf': pinned kernel maps under `pinDir` (the agent fails when it cannot have them). */
  readonly datapath: 'memory' | 'bpf';
  readonly pinDir?: string;
  /** Maps to program instead (small capacities, a memory store shared across restarts). */
  readonly maps?: DatapathMaps;
  /** Streams to follow (default all three). */
  readonly services?: readonly ServiceName[];
}

/** Where an agent's consumer of one stream stands, from its status. */
interface ConsumerPosition {
  readonly service: string;
  readonly cursor: number;
  readonly malformed: number;
  /** The agent's tally of applied events by type (it replaces the consumer's count). */
  readonly applied: { readonly lastSeq: number; readonly byType: Readonly<Record<string, number>> };
}

/**
 * A whole netledger cluster in one process, for scenarios: a local Kubernetes API server, a
 * nats-server, the identity, policy and LB services (informers, SQLite logs, relays) and any
 * number of node agents, all in one temp dir on free ports.
 *
 * `settle()` is the barrier every scenario step ends with: each service watching a changed kind
 * was handed the change and decided it, each agent consumed every service's log up to its head,
 * and the agent's pending map writes were applied. After it the maps say what the cluster says.
 */
export class ScenarioStack {
  readonly root: string;
  readonly api: LocalApiServer;
  readonly nats: NatsServerProcess;
  readonly kube: KubeClient;
  readonly #services = new Map<ServiceName, ServiceHandle>();
  readonly #agents = new Set<RunningAgent>();
  readonly #agentServices = new Map<RunningAgent, readonly ServiceName[]>();
  /** The latest change the test made to each object, by kind and key. */
  readonly #expected = new Map<string, ExpectedDelivery>();
  readonly #log: string[] = [];

  private constructor(root: string, api: LocalApiServer, nats: NatsServerProcess) {
    this.root = root;
    this.api = api;
    this.nats = nats;
    this.kube = createKubeClient({ kubeconfigPath: api.kubeconfigPath });
  }

  static async start(prefix: string): Promise<ScenarioStack> {
    const root = mkdtempSync(join(tmpdir(), `${prefix}-`));
    let api: LocalApiServer | undefined;
    try {
      api = await startLocalApiServer({ dataDir: root });
      const nats = await NatsServerProcess.start({ storeDir: join(root, 'nats') });
      return new ScenarioStack(root, api, nats);
    } catch (e) {
      await api?.stop();
      rmSync(root, { recursive: true, force: true });
      throw e;
    }
  }

  /** Everything components logged (errors and info), for assertions and failure messages. */
  get log(): readonly string[] {
    return this.#log;
  }

  logger(component: string): Logger {
    return {
      info: (m) => this.#log.push(`INFO ${component}: ${m}`),
      error: (m) => this.#log.push(`ERROR ${component}: ${m}`),
    };
  }

  /** Applies YAML text or manifests in order; a rejected object fails the test. */
  async apply(input: string | readonly KubeManifest[]): Promise<KubeObject[]> {
    const manifests = typeof input === 'string' ? parseManifests(input, 'scenario').map((m) => m.object) : input;
    const results = await this.kube.apply(manifests);
    const objects: KubeObject[] = [];
    for (const r of results) {
      if (r.outcome === 'failed') throw new Error(`apply ${r.resource.kind} ${r.namespace ? `${r.namespace}/` : ''}${r.name}: ${r.error.message}`);
      objects.push(r.object);
      if (r.outcome === 'unchanged') continue;
      const key = objectKey(r.object);
      this.#expect({ kind: r.resource.kind, key, type: 'upsert', resourceVersion: r.object.metadata.resourceVersion });
    }
    return objects;
  }

  /** Deletes YAML text's objects or manifests in order; a missing one fails the test. */
  async delete(input: string | readonly KubeManifest[]): Promise<void> {
    const manifests = typeof input === 'string' ? parseManifests(input, 'scenario').map((m) => m.object) : input;
    const results = await this.kube.delete(manifests);
    for (const r of results) {
      const name = `${r.resource.kind} ${r.namespace ? `${r.namespace}/` : ''}${r.name}`;
      if (r.outcome === 'failed') throw new Error(`delete ${name}: ${r.error.message}`);
      if (r.outcome === 'not-found') throw new Error(`delete ${name}: not found`);
      this.#expect({ kind: r.resource.kind, key: r.namespace ? `${r.namespace}/${r.name}` : r.name, type: 'delete' });
    }
  }

  /**
   * Starts the three services (each resolves once its initial list is decided and appended).
   * `identity` tunes the identity domain (a clock for garbage collection).
   */
  async startServices(options: { identity?: IdentityOptions } = {}): Promise<void> {
    // Side by side: each has its own log and ids, so the order they come up in changes nothing.
    const started = await Promise.allSettled((['identity', 'policy', 'lb'] as const).map((name) => this.startService(name, options)));
    const failed = started.find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
  }

  async startService(name: ServiceName, options: { identity?: IdentityOptions } = {}): Promise<void> {
    if (this.#services.has(name)) throw new Error(`${name} service already runs`);
    const config = parseServiceArgs(name, ['--data-dir', this.root, '--nats', this.nats.url, '--kubeconfig', this.api.kubeconfigPath])!;
    const sources = new DeliveryTrackingSources(createInformerSources({ kubeconfigPath: config.kubeconfig, backoff: { initialMs: 100, maxMs: 1000 } }));
    const { domain, settled, collectGarbage } = serviceDomain(name, options);
    const running = await runService(config, createNetledgerRegistry(), domain, sources, this.logger(name));
    this.#services.set(name, { name, running, sources, settled, ...(collectGarbage ? { collectGarbage } : {}) });
  }

  async stopService(name: ServiceName): Promise<void> {
    await this.#services.get(name)?.running.stop();
    this.#services.delete(name);
  }

  /** Starts a node agent; stopped by `stopAgent` or `stop`. */
  async startAgent(options: AgentOptions): Promise<RunningAgent> {
    const services = options.services ?? ['identity', 'policy', 'lb'];
    const args = ['--data-dir', this.root, '--nats', this.nats.url, '--node', options.node, '--datapath', options.datapath, '--services', services.join(','), '--bpf-programs', 'off', '--cni-state-dir', join(this.root, `cni-${options.node}`)];
    if (options.pinDir !== undefined) args.push('--bpf-pin-dir', options.pinDir);
    const config = parseAgentArgs(args, options.node)!;
    const agent = await runNodeAgent(config, createNetledgerRegistry(), this.logger(`agent-${options.node}`), options.maps ? { maps: options.maps } : {});
    this.#agents.add(agent);
    this.#agentServices.set(agent, services);
    return agent;
  }

  async stopAgent(agent: RunningAgent): Promise<void> {
    if (!this.#agents.delete(agent)) return;
    this.#agentServices.delete(agent);
    await agent.stop();
  }

  /**
   * The step barrier: every service watching a kind the test changed was handed the change
   * and settled; every agent programs its maps and consumed each service's log to its head;
   * then its pending writes are applied.
   */
  async settle(): Promise<void> {
    const expected = [...this.#expected.values()];
    for (const s of this.#services.values()) {
      await waitFor(`the ${s.name} service to see ${expected.length} changes`, () => (expected.every((e) => s.sources.saw(e)) ? true : undefined), {
        describe: () => expected.filter((e) => !s.sources.saw(e)).map((e) => `${e.type} ${e.kind} ${e.key}`).join(', '),
      });
      await s.settled();
    }
    const heads = new Map<ServiceName, number>();
    for (const s of this.#services.values()) heads.set(s.name, await this.#logHead(s));
    for (const agent of this.#agents) {
      if (!(await agent.waitProgramming(60_000))) throw new Error('the agent never started programming its maps (a stream did not catch up)');
      for (const service of this.#agentServices.get(agent) ?? []) {
        const head = heads.get(service);
        if (head === undefined) continue;
        await waitFor(`the agent to consume the ${service} log up to seq ${head}`, async () => ((await consumerPosition(agent, service))?.cursor ?? -1) >= head || undefined);
      }
      agent.datapath.flush();
    }
  }

  /**
   * Waits until every service's relay published its whole log to JetStream, so an agent
   * started now finds everything in the streams (a bootstrap from a complete picture).
   */
  async waitPublished(): Promise<void> {
    for (const s of this.#services.values()) {
      await waitFor(`the ${s.name} relay to publish its log`, async () => {
        const status = await fetchStatus(s.running.statusUrl);
        const head = (status?.['log'] as { lastSeq?: number } | undefined)?.lastSeq;
        const published = (status?.['relay'] as { lastPublishedSeq?: number } | undefined)?.lastPublishedSeq;
        return head !== undefined && published !== undefined && published >= head ? true : undefined;
      });
    }
  }

  /** Runs the identity service's garbage collector now (identities past their grace go). */
  async collectIdentityGarbage(): Promise<number> {
    const identity = this.#services.get('identity');
    if (identity?.collectGarbage === undefined) throw new Error('the identity service does not run');
    return identity.collectGarbage();
  }

  /** The agent's consumer of one stream, from its status endpoint. */
  consumer(agent: RunningAgent, service: ServiceName): Promise<ConsumerPosition | undefined> {
    return consumerPosition(agent, service);
  }

  async stop(): Promise<void> {
    for (const agent of [...this.#agents]) await this.stopAgent(agent).catch(() => undefined);
    for (const name of [...this.#services.keys()].reverse()) await this.stopService(name).catch(() => undefined);
    await this.nats.stop().catch(() => undefined);
    await this.api.stop().catch(() => undefined);
    rmSync(this.root, { recursive: true, force: true });
  }

  #expect(e: ExpectedDelivery): void {
    this.#expected.set(`${e.kind}/${e.key}`, e);
  }

  async #logHead(s: ServiceHandle): Promise<number> {
    const status = await waitFor(`${s.name} status`, () => fetchStatus(s.running.statusUrl));
    const head = (status['log'] as { lastSeq?: unknown } | undefined)?.lastSeq;
    if (typeof head !== 'number') throw new Error(`${s.name} status has no log.lastSeq: ${JSON.stringify(status)}`);
    return head;
  }
}

function serviceDomain(
  name: ServiceName,
  options: { identity?: IdentityOptions },
): { domain: ServiceDomain; settled: () => Promise<void>; collectGarbage?: () => Promise<number> } {
  switch (name) {
    case 'identity': {
      const d = new IdentityDomain(options.identity);
      return { domain: d, settled: () => d.settled(), collectGarbage: () => d.collectGarbage() };
    }
    case 'policy': {
      const d = new PolicyDomain();
      return { domain: d, settled: () => d.idle() };
    }
    case 'lb': {
      const d = new LbDomain();
      return { domain: d, settled: () => d.settled() };
    }
  }
}

async function consumerPosition(agent: RunningAgent, service: string): Promise<ConsumerPosition | undefined> {
  const status = await fetchStatus(agent.statusUrl);
  const consumers = (status?.['consumers'] ?? []) as ConsumerPosition[];
  return consumers.find((c) => c.service === service);
}
