import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NatsServerProcess } from '@netledger/bus';
import { createNetledgerRegistry } from '@netledger/contracts';
import { IdentityDomain } from '@netledger/identity-service';
import { createInformerSources, createKubeClient, type KubeClient } from '@netledger/k8s';
import { startLocalApiServer, type LocalApiServer } from '@netledger/kube-apiserver';
import { LbDomain } from '@netledger/lb-service';
import { parseServiceArgs, runService, type Logger, type RunningService } from '@netledger/runtime';

/** The control plane an agent follows, in this process: API server, nats-server, identity and LB services. */
export interface LiveCluster {
  /** Data directory (logs, cursors, kubeconfig). */
  readonly root: string;
  readonly natsUrl: string;
  readonly kube: KubeClient;
  stop(): Promise<void>;
}

/** Errors go to stderr (a failing service must not pass unseen); progress lines do not. */
export function benchLogger(name: string): Logger {
  return { info: () => {}, error: (m) => process.stderr.write(`agent bench ${name}: ${m}\n`) };
}

/**
 * Starts the local API server, a nats-server (its own process, as in `netledger up`), and the
 * identity and LB services on informers over that API server with SQLite logs, as the node
 * agent meets them. The policy service is not started: no measured change goes through it.
 */
export async function startLiveCluster(): Promise<LiveCluster> {
  const root = mkdtempSync(join(tmpdir(), 'netledger-agent-bench-'));
  const started: Array<{ stop(): Promise<void> }> = [];
  const stop = async (): Promise<void> => {
    for (const s of started.reverse()) await s.stop();
    rmSync(root, { recursive: true, force: true });
  };
  try {
    const api: LocalApiServer = await startLocalApiServer({ dataDir: root });
    started.push(api);
    const nats = await NatsServerProcess.start({ storeDir: join(root, 'nats') });
    started.push(nats);
    const service = async (name: 'identity' | 'lb'): Promise<RunningService> => {
      const config = parseServiceArgs(name, ['--data-dir', root, '--nats', nats.url, '--kubeconfig', api.kubeconfigPath]);
      if (!config) throw new Error(`agent bench: no ${name} service config`);
      const sources = createInformerSources({ kubeconfigPath: config.kubeconfig, backoff: { initialMs: 100, maxMs: 1000 } });
      const domain = name === 'identity' ? new IdentityDomain() : new LbDomain();
      return runService(config, createNetledgerRegistry(), domain, sources, benchLogger(name));
    };
    started.push(await service('identity'));
    started.push(await service('lb'));
    return { root, natsUrl: nats.url, kube: createKubeClient({ kubeconfigPath: api.kubeconfigPath }), stop };
  } catch (e) {
    await stop();
    throw e;
  }
}
