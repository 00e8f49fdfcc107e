import { ProgramAttachError } from './program-errors.js';
import { runTool } from './run-tool.js';

// One filter per direction, always at the same priority and handle, so replace is idempotent
// and swaps the program atomically (no window without a program on the device).
const PRIO = '1';
const HANDLE = '1';

/** `tc qdisc replace dev X clsact` (keeps the filters of an existing clsact). */
export function ensureClsact(ifname: string): void {
  const r = runTool('tc', ['qdisc', 'replace', 'dev', ifname, 'clsact']);
  if (!r.ok) throw new ProgramAttachError(ifname, 'tc clsact', r.detail);
}

/** Attaches (or replaces) the pinned program on the device's ingress or egress hook. */
export function replaceTcFilter(ifname: string, direction: 'ingress' | 'egress', pinnedProgram: string): void {
  const args = ['filter', 'replace', 'dev', ifname, direction, 'protocol', 'all', 'prio', PRIO, 'handle', HANDLE];
  const r = runTool('tc', [...args, 'bpf', 'direct-action', 'object-pinned', pinnedProgram]);
  if (!r.ok) throw new ProgramAttachError(ifname, `tc ${direction}`, r.detail);
}
