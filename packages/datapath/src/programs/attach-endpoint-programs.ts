import { programPaths } from './program-paths.js';
import { runTool } from './run-tool.js';
import { ensureClsact, replaceTcFilter } from './tc-attach.js';

/**
 * Attaches the pinned tc programs to a pod's host-side veth: nl_from_pod on ingress (packets
 * leaving the pod), nl_to_pod on egress (packets entering it). Idempotent (replace).
 */
export function attachEndpointPrograms(hostIfname: string, pinDir: string): void {
  const paths = programPaths(pinDir);
  ensureClsact(hostIfname);
  replaceTcFilter(hostIfname, 'ingress', paths.fromPod);
  replaceTcFilter(hostIfname, 'egress', paths.toPod);
}

/** Removes the clsact qdisc (and with it both programs) from the device; no error when absent. */
export function detachEndpointPrograms(hostIfname: string): void {
  // A missing device or qdisc is the state asked for; other failures are not worth failing a
  // teardown for either (the device is usually about to be deleted with the pod's netns).
  runTool('tc', ['qdisc', 'del', 'dev', hostIfname, 'clsact']);
}
