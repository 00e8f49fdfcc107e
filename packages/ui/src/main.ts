// Composition root of the UI process (`netledger up` runs it for the local stack).
import { ConfigError, consoleLogger, onShutdown } from '@netledger/runtime';
import { startUi, UI_COMPONENT } from './start-ui.js';
import { parseUiArgs, UI_HELP, type UiConfig } from './ui-config.js';

let config: UiConfig | undefined;
try {
  config = parseUiArgs(process.argv.slice(2), process.env.KUBECONFIG);
} catch (e) {
  // parseArgs reports an unknown or malformed flag as a TypeError with an ERR_PARSE_ARGS_* code.
  const badFlag = e instanceof Error && String((e as { code?: unknown }).code).startsWith('ERR_PARSE_ARGS');
  if (!(e instanceof ConfigError || badFlag)) throw e;
  process.stderr.write(`ui: ${(e as Error).message}\n\n${UI_HELP}\n`);
  process.exit(2);
}
if (!config) console.log(UI_HELP);
else {
  const logger = consoleLogger(UI_COMPONENT);
  const ui = await startUi(config, logger);
  onShutdown(
    async (reason) => {
      logger.info(`${reason}: stopping`);
      await ui.stop();
    },
    { exitWithParent: config.exitWithParent },
  );
}
