// Composition root of the policy service process.
import { createNetledgerRegistry } from '@netledger/contracts';
import { consoleLogger, onShutdown, parseServiceArgs, runService } from '@netledger/runtime';
import { PolicyDomain } from './policy-domain.js';

const config = parseServiceArgs('policy', process.argv.slice(2));
if (config) {
  const logger = consoleLogger('policy');
  const running = await runService(config, createNetledgerRegistry(), new PolicyDomain(), logger);
  onShutdown(
    async (reason) => {
      logger.info(`${reason}: stopping`);
      await running.stop();
    },
    { exitWithParent: config.exitWithParent },
  );
}
