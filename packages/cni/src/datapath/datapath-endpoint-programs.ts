import { attachEndpointPrograms, detachEndpointPrograms, programPaths } from '@netledger/datapath';
import type { EndpointPrograms } from './endpoint-programs.js';

/** The datapath package's tc attach (clsact, `filter replace ... bpf da object-pinned`). */
export const datapathEndpointPrograms: EndpointPrograms = Object.freeze({
  paths: (pinDir: string) => programPaths(pinDir),
  attach: (hostIfname: string, pinDir: string) => attachEndpointPrograms(hostIfname, pinDir),
  detach: (hostIfname: string) => detachEndpointPrograms(hostIfname),
});
