// Composition root of the identity service process.
import { createNetledgerRegistry } from '@netledger/contracts';
import { MemoryClusterSources } from '@netledger/k8s';
import { consoleLogger, onShutdown, parseServiceArgs, runService } from '@netledger/runtime';
import { IdentityDomain } from './identity-domain.js';

const config = parseServiceArgs('identity', process.argv.slice(2));
if (config) {
  const logger = consoleLogger('identity');
  const running = await runService(config, createNetledgerRegistry(), new IdentityDomain(), new MemoryClusterSources(), logger);
  onShutdown(
    async (reason) => {
      logger.info(`${reason}: stopping`);
      await running.stop();
    },
    { exitWithParent: config.exitWithParent },
  );
}
