// Composition root of the node agent process.
import { hostname } from 'node:os';
import { createNetledgerRegistry } from '@netledger/contracts';
import { consoleLogger, onShutdown, parseAgentArgs } from '@netledger/runtime';
import { runNodeAgent } from './node-agent.js';

const config = parseAgentArgs(process.argv.slice(2), hostname().toLowerCase());
if (config) {
  const logger = consoleLogger(`agent-${config.nodeName}`);
  const agent = await runNodeAgent(config, createNetledgerRegistry(), logger);
  onShutdown(
    async (reason) => {
      logger.info(`${reason}: stopping`);
      await agent.stop();
    },
    { exitWithParent: config.exitWithParent },
  );
}
