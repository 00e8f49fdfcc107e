import { ProgramAttachError } from './program-errors.js';
import { runTool } from './run-tool.js';

/** A tc program attached to a device (bpftool net show). */
export interface TcAttachment {
  readonly devname: string;
  readonly direction: 'ingress' | 'egress';
  readonly programId: number;
}

/** A program attached to a cgroup (bpftool cgroup tree/show). */
export interface CgroupAttachment {
  readonly cgroup: string;
  /** bpftool's short attach type: connect4, sendmsg4, recvmsg4. */
  readonly attachType: string;
  readonly programId: number;
  readonly name: string;
}

// bpftool prints the kernel's attach type names; attach and detach take the short ones.
const SHORT_ATTACH_TYPE: Readonly<Record<string, string>> = {
  cgroup_inet4_connect: 'connect4',
  cgroup_udp4_sendmsg: 'sendmsg4',
  cgroup_udp4_recvmsg: 'recvmsg4',
};

/** The id of a pinned program; undefined when nothing is pinned there. */
export function pinnedProgramId(bpftool: string, path: string): number | undefined {
  const r = runTool(bpftool, ['-j', 'prog', 'show', 'pinned', path]);
  if (!r.ok) return undefined;
  const id = (JSON.parse(r.stdout) as { id?: unknown }).id;
  return typeof id === 'number' ? id : undefined;
}

/** Every tc program attached in this netns, with its device and direction. */
export function tcAttachments(bpftool: string): TcAttachment[] {
  const r = runTool(bpftool, ['-j', 'net', 'show']);
  if (!r.ok) throw new ProgramAttachError('(all devices)', 'bpftool net show', r.detail);
  const out: TcAttachment[] = [];
  for (const section of JSON.parse(r.stdout) as Array<{ tc?: Array<{ devname: string; kind: string; id: number }> }>) {
    for (const a of section.tc ?? []) {
      const direction = a.kind.endsWith('/ingress') ? 'ingress' : a.kind.endsWith('/egress') ? 'egress' : undefined;
      if (direction) out.push({ devname: a.devname, direction, programId: a.id });
    }
  }
  return out;
}

/** The socket programs attached to `cgroup` and (tree) every cgroup below it. */
export function cgroupAttachments(bpftool: string, cgroup: string, tree: boolean): CgroupAttachment[] {
  const r = runTool(bpftool, tree ? ['-j', 'cgroup', 'tree', cgroup] : ['-j', 'cgroup', 'show', cgroup]);
  if (!r.ok) throw new ProgramAttachError(cgroup, tree ? 'bpftool cgroup tree' : 'bpftool cgroup show', r.detail);
  type Prog = { id: number; attach_type: string; name: string };
  const parsed = JSON.parse(r.stdout.trim() || '[]') as Array<Prog | { cgroup: string; programs: Prog[] }>;
  const out: CgroupAttachment[] = [];
  for (const item of parsed) {
    const [dir, progs] = 'programs' in item ? [item.cgroup, item.programs] : [cgroup, [item]];
    for (const p of progs) {
      out.push({ cgroup: dir, attachType: SHORT_ATTACH_TYPE[p.attach_type] ?? p.attach_type, programId: p.id, name: p.name });
    }
  }
  return out;
}
