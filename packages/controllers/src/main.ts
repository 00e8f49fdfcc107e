// Composition root of the controller manager process (`netledger up` runs it for the local stack).
import { consoleLogger, onShutdown, removeRunFile, StatusServer, writeRunFile, type RunInfo } from '@netledger/runtime';
import { CONTROLLERS_HELP, parseControllersArgs } from './controllers-config.js';
import { startControllers } from './start-controllers.js';

const COMPONENT = 'controllers';

const config = parseControllersArgs(process.argv.slice(2), process.env.KUBECONFIG);
if (!config) console.log(CONTROLLERS_HELP);
if (config) {
  const logger = consoleLogger(COMPONENT);
  const startedAt = new Date().toISOString();
  const controllers = await startControllers({ kubeconfigPath: config.kubeconfig, logger });
  const server = await StatusServer.start({
    host: config.statusHost,
    port: config.statusPort,
    status: () => {
      const status = controllers.status();
      return { component: COMPONENT, kind: COMPONENT, healthy: status.synced, pid: process.pid, startedAt, kubeconfig: config.kubeconfig, ...status };
    },
  });
  // RunInfo's kind names the components netledger had before the controllers; `netledger status`
  // reads any other kind's /status.
  writeRunFile(config.dataDir, { component: COMPONENT, kind: COMPONENT as RunInfo['kind'], pid: process.pid, statusUrl: server.url, startedAt });
  logger.info(`status ${server.url}, kubeconfig ${config.kubeconfig}`);
  onShutdown(
    async (reason) => {
      logger.info(`${reason}: stopping`);
      removeRunFile(config.dataDir, COMPONENT);
      await controllers.stop();
      await server.stop();
    },
    { exitWithParent: config.exitWithParent },
  );
}
