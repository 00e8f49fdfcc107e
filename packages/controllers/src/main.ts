// Composition root of the controller manager process (`netledger up` runs it for the local stack).
import { KubeConfigError } from '@netledger/k8s';
import { ConfigError, consoleLogger, onShutdown, removeRunFile, StatusServer, writeRunFile } from '@netledger/runtime';
import { CONTROLLERS_HELP, parseControllersArgs, type ControllersConfig } from './controllers-config.js';
import { startControllers } from './start-controllers.js';

const COMPONENT = 'controllers';

let config: ControllersConfig | undefined;
try {
  config = parseControllersArgs(process.argv.slice(2), process.env.KUBECONFIG);
} catch (e) {
  // parseArgs reports an unknown or malformed flag as a TypeError with an ERR_PARSE_ARGS_* code.
  const badFlag = e instanceof Error && String((e as { code?: unknown }).code).startsWith('ERR_PARSE_ARGS');
  if (!(e instanceof ConfigError || badFlag)) throw e;
  process.stderr.write(`controllers: ${(e as Error).message}\n\n${CONTROLLERS_HELP}\n`);
  process.exit(2);
}
if (!config) console.log(CONTROLLERS_HELP);
if (config) await run(config);

async function run(config: ControllersConfig): Promise<void> {
  const logger = consoleLogger(COMPONENT);
  const startedAt = new Date().toISOString();
  let controllers;
  try {
    controllers = await startControllers({ kubeconfigPath: config.kubeconfig, logger });
  } catch (e) {
    if (!(e instanceof KubeConfigError)) throw e;
    logger.error(e.message);
    process.exit(1);
  }
  const running = controllers;
  const server = await StatusServer.start({
    host: config.statusHost,
    port: config.statusPort,
    status: () => {
      const status = running.status();
      return { component: COMPONENT, kind: COMPONENT, healthy: status.synced, pid: process.pid, startedAt, kubeconfig: config.kubeconfig, ...status };
    },
  });
  writeRunFile(config.dataDir, { component: COMPONENT, kind: 'controllers', pid: process.pid, statusUrl: server.url, startedAt });
  logger.info(`status ${server.url}, kubeconfig ${config.kubeconfig}`);
  onShutdown(
    async (reason) => {
      logger.info(`${reason}: stopping`);
      removeRunFile(config.dataDir, COMPONENT);
      await running.stop();
      await server.stop();
    },
    { exitWithParent: config.exitWithParent },
  );
}
