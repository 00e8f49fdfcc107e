// netledger-cni's public surface: config parsing, names and file layout others rely on, and
// invokeCni for whatever runs the plugin as a CNI runtime (the local node runtime, tests).

import { fileURLToPath } from 'node:url';

export { parseCniConfig, parseCniConfigText, CNI_CONFIG_DEFAULTS, type CniNetworkConfig } from './cni-config.js';
export { CNI_ERROR_CODES, CniError, type CniErrorCode, type CniErrorResult } from './cni-error.js';
export { SUPPORTED_CNI_VERSIONS, DEFAULT_CNI_VERSION, type CniVersion } from './cni-version.js';
export { CNI_COMMANDS, type CniCommand } from './cni-env.js';
export type { CniResult, CniInterface, CniIpConfig, CniRoute } from './cni-result.js';
export { hostVethName } from './host-veth-name.js';
export { HOST_DEVICE } from './net/host-network.js';
export { POD_GATEWAY } from './net/pod-network.js';
export { registrationPath, type EndpointRegistration } from './endpoint-registration.js';
export {
  invokeCni,
  execCni,
  CniPluginError,
  type CniInvokeEnv,
  type CniInvokeOptions,
  type CniExecResult,
} from './invoke-cni.js';

/** The plugin executable in this repository (runs src/main.ts through tsx). */
export const CNI_PLUGIN_PATH = fileURLToPath(new URL('../bin/netledger-cni', import.meta.url));
