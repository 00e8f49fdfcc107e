// Composition root of the identity service process.
import { createNetledgerRegistry } from '@netledger/contracts';
import { createInformerSources } from '@netledger/k8s';
import { consoleLogger, onShutdown, parseServiceArgs, runService } from '@netledger/runtime';
import { IDENTITY_FLAGS_HELP, parseIdentityArgs } from './identity-flags.js';
import { IdentityDomain } from './identity-domain.js';

const identityArgs = parseIdentityArgs(process.argv.slice(2));
const config = parseServiceArgs('identity', identityArgs.rest);
if (!config) console.log(IDENTITY_FLAGS_HELP);
if (config) {
  const logger = consoleLogger('identity');
  const running = await runService(config, createNetledgerRegistry(), new IdentityDomain(identityArgs.options), createInformerSources({ kubeconfigPath: config.kubeconfig ?? process.env.KUBECONFIG, logger }), logger);
  onShutdown(
    async (reason) => {
      logger.info(`${reason}: stopping`);
      await running.stop();
    },
    { exitWithParent: config.exitWithParent },
  );
}
