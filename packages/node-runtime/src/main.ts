// Composition root of the node runtime process (one per node of the local stack).
import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { createInformerSources } from '@netledger/k8s';
import { consoleLogger, onShutdown, removeRunFile, StatusServer, writeRunFile, type RunInfo } from '@netledger/runtime';
import { buildCniNetworkConfig, readCniNetworkConfig, writeCniNetworkConfig } from './cni-network-config.js';
import { CniPluginRunner } from './cni-plugin-runner.js';
import { createKubeNodeApi } from './kube-node-api.js';
import { NodeRuntime } from './node-runtime.js';
import { parseRuntimeArgs, routerIpOf } from './runtime-config.js';
import { RuntimeLayout } from './runtime-layout.js';

let config;
try {
  config = parseRuntimeArgs(process.argv.slice(2), hostname());
} catch (e) {
  // A flag mistake is the user's to fix: the message names the flag, a stack trace adds nothing.
  process.stderr.write(`node-runtime: ${(e as Error).message}\n`);
  process.exit(2);
}
if (config) {
  const component = `runtime-${config.nodeName}`;
  const logger = consoleLogger(component);
  const layout = new RuntimeLayout(config.dataDir, config.nodeName);

  // The runtime's own config follows the flags at every start; a given file is written only when absent.
  const cniConfigPath = config.cniConfig ?? layout.cniConfigFile;
  if (config.cniConfig === undefined || !existsSync(cniConfigPath)) {
    writeCniNetworkConfig(
      cniConfigPath,
      buildCniNetworkConfig({
        podCidr: config.podCidr,
        routerIp: routerIpOf(config),
        ipamDir: layout.ipamDir,
        stateDir: layout.cniStateDir,
        bpfPinDir: config.bpfPinDir,
        mtu: config.mtu,
      }),
    );
  }
  const cniConfig = readCniNetworkConfig(cniConfigPath);
  // A given config file is the truth about the pod network; the Node says the same.
  const podCidr = cniConfig.podCIDR;
  const routerIp = cniConfig.routerIP;
  const kubeconfigPath = config.kubeconfig ?? process.env.KUBECONFIG ?? config.dataDir.kubeconfig;

  let runtime: NodeRuntime | undefined;
  const startedAt = new Date().toISOString();
  const server = await StatusServer.start({
    host: config.statusHost,
    port: config.statusPort,
    status: () => ({
      component,
      kind: 'runtime',
      pid: process.pid,
      startedAt,
      cniConfig: cniConfigPath,
      cniStateDir: cniConfig.stateDir,
      ...(runtime?.status() ?? { healthy: false, synced: false }),
    }),
    queries: { pods: () => runtime?.podSummaries() ?? [] },
  });
  onShutdown(
    async (reason) => {
      logger.info(`${reason}: stopping (pods keep running)`);
      removeRunFile(config.dataDir, component);
      await runtime?.stop();
      await server.stop();
    },
    { exitWithParent: config.exitWithParent },
  );
  // `netledger status` lists components by their run file; 'runtime' is this process's kind.
  writeRunFile(config.dataDir, { component, kind: 'runtime', pid: process.pid, statusUrl: server.url, startedAt });
  logger.info(`node ${config.nodeName}: pod CIDR ${podCidr}, CNI ${config.cniPlugin} (${cniConfigPath}), status ${server.url}`);
  runtime = await NodeRuntime.start({
    nodeName: config.nodeName,
    nodeIp: config.nodeIp ?? routerIp,
    podCidr,
    layout,
    cni: new CniPluginRunner({ pluginPath: config.cniPlugin, config: cniConfig }),
    pods: createInformerSources({ kubeconfigPath, logger }).pods(),
    api: createKubeNodeApi({ kubeconfigPath }),
    logger,
  });
  logger.info(`node ${config.nodeName}: pods synced`);
}
