import { join } from 'node:path';
import { runCommand } from '../net/run-command.js';
import type { EndpointPrograms } from './endpoint-programs.js';

/**
 * Interim adapter until @netledger/datapath exports attachEndpointPrograms: the same tc
 * commands (clsact, `filter replace ... bpf da object-pinned`).
 */
export function tcEndpointPrograms(tc: string): EndpointPrograms {
  return {
    paths(pinDir) {
      return { fromPod: join(pinDir, 'progs', 'nl_from_pod'), toPod: join(pinDir, 'progs', 'nl_to_pod') };
    },
    attach(hostIfname, pinDir) {
      const p = this.paths(pinDir);
      runCommand(tc, ['qdisc', 'replace', 'dev', hostIfname, 'clsact']);
      runCommand(tc, ['filter', 'replace', 'dev', hostIfname, 'ingress', 'prio', '1', 'handle', '1', 'bpf', 'da', 'object-pinned', p.fromPod]);
      runCommand(tc, ['filter', 'replace', 'dev', hostIfname, 'egress', 'prio', '1', 'handle', '1', 'bpf', 'da', 'object-pinned', p.toPod]);
    },
    detach(hostIfname) {
      try {
        runCommand(tc, ['qdisc', 'del', 'dev', hostIfname, 'clsact']);
      } catch {
        // Absent device or qdisc: nothing to detach.
      }
    },
  };
}
