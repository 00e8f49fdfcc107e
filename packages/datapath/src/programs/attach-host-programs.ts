import { DatapathUnavailableError } from '../datapath-errors.js';
import { findBpftool } from '../pinned/bpftool.js';
import { findCgroup2Mount } from './cgroup-mount.js';
import { cgroupAttachments, pinnedProgramId } from './program-attachments.js';
import { ProgramAttachError } from './program-errors.js';
import { programPaths, socketPrograms } from './program-paths.js';
import { runTool } from './run-tool.js';

function resolve(pinDir: string, cgroupDir: string | undefined): { bpftool: string; cgroup: string } {
  const bpftool = findBpftool();
  if (!bpftool) throw new DatapathUnavailableError(pinDir, 'bpftool is not installed (apt-get install bpftool)');
  const cgroup = cgroupDir ?? findCgroup2Mount();
  if (!cgroup) throw new ProgramAttachError('(cgroup v2)', 'cgroup', 'no cgroup v2 mount in /proc/mounts');
  return { bpftool, cgroup };
}

/**
 * Attaches the socket programs (connect4, sendmsg4, recvmsg4) of `pinDir` to a cgroup v2
 * directory (default: the cgroup v2 mount, i.e. every process) once: a program already
 * attached there is left alone. They translate only for sockets of the host netns.
 */
export function attachHostPrograms(pinDir: string, cgroupDir?: string): void {
  const { bpftool, cgroup } = resolve(pinDir, cgroupDir);
  const attached = cgroupAttachments(bpftool, cgroup, false);
  for (const p of socketPrograms(programPaths(pinDir))) {
    const id = pinnedProgramId(bpftool, p.path);
    if (id === undefined) throw new ProgramAttachError(cgroup, `cgroup ${p.attachType}`, `${p.path} is not a pinned program (load the programs first)`);
    if (attached.some((a) => a.programId === id && a.attachType === p.attachType)) continue;
    const r = runTool(bpftool, ['cgroup', 'attach', cgroup, p.attachType, 'pinned', p.path, 'multi']);
    if (!r.ok) throw new ProgramAttachError(cgroup, `cgroup ${p.attachType}`, r.detail);
  }
}

/** Detaches this pin dir's socket programs from the cgroup; no error when they are not attached. */
export function detachHostPrograms(pinDir: string, cgroupDir?: string): void {
  const { bpftool, cgroup } = resolve(pinDir, cgroupDir);
  const attached = cgroupAttachments(bpftool, cgroup, false);
  for (const p of socketPrograms(programPaths(pinDir))) {
    const id = pinnedProgramId(bpftool, p.path);
    if (id === undefined || !attached.some((a) => a.programId === id && a.attachType === p.attachType)) continue;
    const r = runTool(bpftool, ['cgroup', 'detach', cgroup, p.attachType, 'id', String(id)]);
    if (!r.ok) throw new ProgramAttachError(cgroup, `cgroup ${p.attachType} (detach)`, r.detail);
  }
}
