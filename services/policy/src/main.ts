// Composition root of the policy service process.
import { createNetledgerRegistry } from '@netledger/contracts';
import { createInformerSources } from '@netledger/k8s';
import { consoleLogger, onShutdown, parseServiceArgs, runService } from '@netledger/runtime';
import { PolicyDomain } from './policy-domain.js';

const config = parseServiceArgs('policy', process.argv.slice(2));
if (config) {
  const logger = consoleLogger('policy');
  const running = await runService(config, createNetledgerRegistry(), new PolicyDomain(), createInformerSources({ kubeconfigPath: config.kubeconfig ?? process.env.KUBECONFIG, logger }), logger);
  onShutdown(
    async (reason) => {
      logger.info(`${reason}: stopping`);
      await running.stop();
    },
    { exitWithParent: config.exitWithParent },
  );
}
