import { join } from 'node:path';
import type { EventRegistry } from '@netledger/contracts';
import { connectBus, EventConsumer, FileCursorStore, type CursorStore, type NatsConnection } from '@netledger/bus';
import type { DatapathMaps } from '@netledger/datapath';
import { removeRunFile, StatusServer, writeRunFile, type AgentConfig, type ComponentStatus, type Logger } from '@netledger/runtime';
import { DatapathDriver } from './datapath-driver.js';
import { DatapathPrograms } from './datapath-programs.js';
import { EndpointRegistrations } from './endpoint-registrations.js';
import { EventTally } from './event-tally.js';
import { FlowContext } from './flows/flow-context.js';
import { openFlowObserver } from './flows/open-flow-observer.js';
import { openDatapath } from './open-datapath.js';

export interface RunningAgent {
  readonly statusUrl: string;
  /** The desired state and reconciler (tests and benchmarks look inside). */
  readonly datapath: DatapathDriver;
  readonly maps: DatapathMaps;
  /** Resolves once every followed stream has caught up (false on timeout). */
  waitInSync(timeoutMs: number): Promise<boolean>;
  /** Resolves once the datapath is being programmed (every stream caught up once). */
  waitProgramming(timeoutMs: number): Promise<boolean>;
  stop(): Promise<void>;
}

export interface NodeAgentOverrides {
  /** Maps to program instead of the ones `config.datapath` selects (tests, the 50-agent bench). */
  readonly maps?: DatapathMaps;
}

/**
 * The node agent: follows each service's stream from its start (the desired state is in memory,
 * so a restart replays it; the cursors kept on the node record how far each stream was
 * applied), turns the events into the node's desired datapath state,
 * and once every stream has caught up reconciles the BPF maps against it: in full once (read
 * back, nothing flushed), then per burst of events.
 */
export async function runNodeAgent(config: AgentConfig, registry: EventRegistry, logger: Logger, overrides: NodeAgentOverrides = {}): Promise<RunningAgent> {
  const component = `agent-${config.nodeName}`;
  const opened = overrides.maps ? { maps: overrides.maps } : openDatapath(config.datapath, config.bpfPinDir);
  const degraded = 'degraded' in opened ? opened.degraded : undefined;
  if (degraded) logger.error(`RUNNING WITHOUT A DATAPATH: ${degraded}`);
  const maps = opened.maps;
  const driver = new DatapathDriver(config.nodeName, maps, logger);
  // Programs run on kernel maps only; tests of the map writer turn them off.
  const programs =
    maps.kind === 'pinned' && config.bpfPrograms
      ? DatapathPrograms.start({ pinDir: config.bpfPinDir, objectPath: config.bpfObject, cgroupRoot: config.cgroupRoot, required: config.datapath === 'bpf' }, logger)
      : undefined;
  // Flows are enriched from what the streams say; they exist only where programs write them.
  const flowContext = programs?.loaded ? new FlowContext(driver.desired.view.identities) : undefined;
  const registrations = new EndpointRegistrations(config.cniStateDir, logger, (byIp) => {
    driver.setInterfaces(new Map([...byIp].map(([ip, r]) => [ip, r.hostIfindex])));
    // The CNI plugin adds the router address with the node's first pod.
    programs?.refreshNodeAddresses();
  });
  registrations.start();

  const nc: NatsConnection = await connectBus({ servers: [...config.natsServers], name: `netledger-${component}`, credentials: config.natsCredentials });
  // The desired state lives in memory and is rebuilt at every start, so each stream is replayed
  // from its beginning: resuming at the saved cursor would leave out every earlier event, and
  // the first full reconcile would then delete their entries from the maps (a flush). The
  // cursors are still saved, to show how far each stream was applied.
  const saved = new FileCursorStore(join(config.dataDir.agentDir(config.nodeName), 'cursors'));
  const cursors: CursorStore = { load: async () => 0, save: (name, seq) => saved.save(name, seq) };
  let stopping = false;
  const followed = config.services.map((service) => {
    const tally = new EventTally(service);
    const target = driver.handlerFor(service);
    const consumer = new EventConsumer({
      nc,
      service,
      registry,
      name: `${config.nodeName}-${service}`,
      cursors,
      handler: {
        apply: (event) => {
          tally.apply(event);
          const applied = target.apply(event);
          flowContext?.apply(event);
          return applied;
        },
        reset: () => {
          tally.reset();
          target.reset();
          flowContext?.reset(service);
          void releaseWhenCaughtUp(service);
        },
      },
      onMalformed: ({ streamSeq, error }) => logger.error(`${service} stream seq ${streamSeq} skipped: ${error.message}`),
    });
    return { service, tally, consumer };
  });
  const releaseWhenCaughtUp = async (service: string): Promise<void> => {
    const f = followed.find((x) => x.service === service);
    while (f && !stopping && !(await f.consumer.waitInSync(1000)));
    if (!stopping) driver.release(f!.service);
  };
  const flows = flowContext && openFlowObserver(config.bpfPinDir, { node: config.nodeName, context: flowContext, nc, logger });
  for (const f of followed) await f.consumer.start();
  const startedAt = new Date().toISOString();

  // Program the datapath only once every stream has caught up: a restarted agent must not
  // write (or delete) from a half-rebuilt picture.
  const programming = (async () => {
    while (!stopping) {
      const all = await Promise.all(followed.map((f) => f.consumer.waitInSync(1000)));
      if (stopping) return false;
      if (all.every(Boolean)) {
        const stats = driver.startProgramming();
        logger.info(`datapath: every stream caught up; programmed ${maps.location} (${stats.updates} updates, ${stats.deletes} deletes)`);
        // Flows are read from now on, enriched against the whole cluster.
        flows?.begin();
        return true;
      }
    }
    return false;
  })();

  const status = (): ComponentStatus => {
    const consumers = followed.map((f) => ({ ...f.consumer.status(), applied: f.tally.summary() }));
    const d = driver.status();
    return {
      component,
      kind: 'agent',
      node: config.nodeName,
      healthy: d.lastError === undefined && d.reconciler.mapFull.length === 0,
      pid: process.pid,
      startedAt,
      inSync: consumers.every((c) => c.inSync),
      datapath: {
        kind: maps.kind,
        location: maps.location,
        ...(degraded ? { degraded } : {}),
        ...d,
        programs: programs?.status() ?? {
          loaded: false,
          reason: maps.kind !== 'pinned' ? 'no kernel maps' : '--bpf-programs off',
          nodeAddresses: [],
          kubeProxyReplacement: { enabled: false, features: [] },
          counters: [],
        },
        registeredEndpoints: registrations.current.size,
        cniStateDir: config.cniStateDir,
      },
      flows: flows?.status() ?? { reading: false, reason: flowContext ? 'the flow ring could not be opened' : 'no datapath programs' },
      consumers,
    };
  };
  const server = await StatusServer.start({ host: config.statusHost, port: config.statusPort, status });
  writeRunFile(config.dataDir, { component, kind: 'agent', pid: process.pid, statusUrl: server.url, startedAt });
  logger.info(`node agent ${config.nodeName}: following ${config.services.join(', ')}, maps ${maps.kind} at ${maps.location}, status ${server.url}`);

  return {
    statusUrl: server.url,
    datapath: driver,
    maps,
    async waitInSync(timeoutMs) {
      const all = await Promise.all(followed.map((f) => f.consumer.waitInSync(timeoutMs)));
      return all.every(Boolean);
    },
    async waitProgramming(timeoutMs) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
      const r = await Promise.race([programming, timeout]);
      clearTimeout(timer);
      return r;
    },
    async stop() {
      stopping = true;
      removeRunFile(config.dataDir, component);
      registrations.stop();
      programs?.stop();
      flows?.stop();
      for (const f of followed) await f.consumer.stop();
      await programming;
      driver.flush();
      driver.stop();
      await server.stop();
      await nc.drain().catch(() => nc.close());
      maps.close();
    },
  };
}
