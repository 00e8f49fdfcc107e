import { join } from 'node:path';
import type { EventRegistry } from '@netledger/contracts';
import { connectBus, EventConsumer, FileCursorStore, type NatsConnection } from '@netledger/bus';
import { removeRunFile, StatusServer, writeRunFile, type AgentConfig, type ComponentStatus, type Logger } from '@netledger/runtime';
import { EventTally } from './event-tally.js';

export interface RunningAgent {
  readonly statusUrl: string;
  /** Resolves once every followed stream has caught up (false on timeout). */
  waitInSync(timeoutMs: number): Promise<boolean>;
  stop(): Promise<void>;
}

/**
 * The node agent: follows each service's stream with its own cursor (kept on the node, so a
 * restart resumes where it stopped) and reports per-stream lag. The agent is "in sync" only
 * when every stream has caught up; only then may it program the datapath.
 */
export async function runNodeAgent(config: AgentConfig, registry: EventRegistry, logger: Logger): Promise<RunningAgent> {
  const component = `agent-${config.nodeName}`;
  const nc: NatsConnection = await connectBus({ servers: [...config.natsServers], name: `netledger-${component}` });
  const cursors = new FileCursorStore(join(config.dataDir.agentDir(config.nodeName), 'cursors'));
  const followed = config.services.map((service) => {
    const tally = new EventTally(service);
    const consumer = new EventConsumer({
      nc,
      service,
      registry,
      name: `${config.nodeName}-${service}`,
      cursors,
      handler: tally,
      onMalformed: ({ streamSeq, error }) => logger.error(`${service} stream seq ${streamSeq} skipped: ${error.message}`),
    });
    return { service, tally, consumer };
  });
  for (const f of followed) await f.consumer.start();
  const startedAt = new Date().toISOString();

  const status = (): ComponentStatus => {
    const consumers = followed.map((f) => ({ ...f.consumer.status(), applied: f.tally.summary() }));
    return {
      component,
      kind: 'agent',
      node: config.nodeName,
      healthy: true,
      pid: process.pid,
      startedAt,
      inSync: consumers.every((c) => c.inSync),
      datapath: 'none (BPF maps are not programmed yet)',
      consumers,
    };
  };
  const server = await StatusServer.start({ host: config.statusHost, port: config.statusPort, status });
  writeRunFile(config.dataDir, { component, kind: 'agent', pid: process.pid, statusUrl: server.url, startedAt });
  logger.info(`node agent ${config.nodeName}: following ${config.services.join(', ')}, status ${server.url}`);

  return {
    statusUrl: server.url,
    async waitInSync(timeoutMs) {
      const all = await Promise.all(followed.map((f) => f.consumer.waitInSync(timeoutMs)));
      return all.every(Boolean);
    },
    async stop() {
      removeRunFile(config.dataDir, component);
      for (const f of followed) await f.consumer.stop();
      await server.stop();
      await nc.drain().catch(() => nc.close());
    },
  };
}
