import { join } from 'node:path';

/** Where the programs are pinned under a pin directory. */
export interface DatapathProgramPaths {
  /** `<pinDir>/progs`. */
  readonly dir: string;
  /** nl_from_pod: tc, host veth ingress. */
  readonly fromPod: string;
  /** nl_to_pod: tc, host veth egress. */
  readonly toPod: string;
  /** nl_sock_connect4: cgroup/connect4. */
  readonly connect4: string;
  /** nl_sock_sendmsg4: cgroup/sendmsg4 (UDP). */
  readonly sendmsg4: string;
  /** nl_sock_recvmsg4: cgroup/recvmsg4 (UDP). */
  readonly recvmsg4: string;
}

/** The programs' directory under a pin dir. */
export const PROGRAMS_DIR = 'progs';

/** Pin paths of the programs under a pin dir (no I/O). */
export function programPaths(pinDir: string): DatapathProgramPaths {
  return programPathsIn(join(pinDir, PROGRAMS_DIR));
}

/** Pin paths of the programs in a programs directory (also the one a load prepares). */
export function programPathsIn(dir: string): DatapathProgramPaths {
  return {
    dir,
    fromPod: join(dir, 'nl_from_pod'),
    toPod: join(dir, 'nl_to_pod'),
    connect4: join(dir, 'nl_sock_connect4'),
    sendmsg4: join(dir, 'nl_sock_sendmsg4'),
    recvmsg4: join(dir, 'nl_sock_recvmsg4'),
  };
}

/** The socket programs by their bpftool cgroup attach type. */
export function socketPrograms(paths: DatapathProgramPaths): ReadonlyArray<{ readonly attachType: string; readonly name: string; readonly path: string }> {
  return [
    { attachType: 'connect4', name: 'nl_sock_connect4', path: paths.connect4 },
    { attachType: 'sendmsg4', name: 'nl_sock_sendmsg4', path: paths.sendmsg4 },
    { attachType: 'recvmsg4', name: 'nl_sock_recvmsg4', path: paths.recvmsg4 },
  ];
}
