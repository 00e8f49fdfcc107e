import { runCommand } from '@netledger/datapath';
import type { EndpointProgramPaths } from './endpoint-programs.js';

interface NetShowEntry {
  readonly tc?: ReadonlyArray<{ readonly kind?: string; readonly id?: number }>;
}

/**
 * Why the host veth does not run the pinned programs (none attached, or other ones), or
 * undefined when its ingress runs from-pod and its egress runs to-pod. Compares program ids,
 * so programs reloaded by the agent but not re-attached count as wrong. Accepts tc clsact and
 * tcx attachments.
 */
export function attachedProgramsProblem(bpftool: string, hostIfname: string, paths: EndpointProgramPaths): string | undefined {
  const pinnedId = (path: string): number => (JSON.parse(runCommand(bpftool, ['-j', 'prog', 'show', 'pinned', path])) as { id: number }).id;
  const shown = JSON.parse(runCommand(bpftool, ['-j', 'net', 'show', 'dev', hostIfname])) as NetShowEntry[];
  const attached = shown.flatMap((e) => e.tc ?? []);
  const problems: string[] = [];
  for (const [direction, path] of [
    ['ingress', paths.fromPod],
    ['egress', paths.toPod],
  ] as const) {
    const want = pinnedId(path);
    const ids = attached.filter((a) => a.kind === `clsact/${direction}` || a.kind === `tcx/${direction}`).map((a) => a.id);
    if (!ids.includes(want)) {
      problems.push(`${direction} runs ${ids.length ? `program ids ${ids.join(', ')}` : 'no program'}, not ${path} (id ${want})`);
    }
  }
  return problems.length ? `host veth ${hostIfname}: ${problems.join('; ')}` : undefined;
}
