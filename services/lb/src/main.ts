// Composition root of the lb service process.
import { createNetledgerRegistry } from '@netledger/contracts';
import { createInformerSources } from '@netledger/k8s';
import { consoleLogger, onShutdown, parseServiceArgs, runService } from '@netledger/runtime';
import { LbDomain } from './lb-domain.js';

const config = parseServiceArgs('lb', process.argv.slice(2));
if (config) {
  const logger = consoleLogger('lb');
  const running = await runService(config, createNetledgerRegistry(), new LbDomain(), createInformerSources({ kubeconfigPath: config.kubeconfig ?? process.env.KUBECONFIG, logger }), logger);
  onShutdown(
    async (reason) => {
      logger.info(`${reason}: stopping`);
      await running.stop();
    },
    { exitWithParent: config.exitWithParent },
  );
}
