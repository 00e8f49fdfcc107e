import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, fstatSync, mkdirSync, openSync, readSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { ipCommand } from './ip-command.js';

/** A started container process: pid and start time (together they survive a runtime restart). */
export interface StartedProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  readonly startTime: string;
  readonly logOffset: number;
}

/**
 * Starts an image's script in the pod's network namespace (`ip netns exec`, which execs, so the
 * pid is node's) in its own process group, stdout and stderr appended to the container log. The
 * process does not depend on the runtime: it keeps running when the runtime restarts.
 */
export function startContainerProcess(options: {
  readonly netns: string | undefined;
  readonly script: string;
  readonly env: Readonly<Record<string, string>>;
  readonly logFile: string;
}): StartedProcess {
  mkdirSync(dirname(options.logFile), { recursive: true });
  const fd = openSync(options.logFile, 'a');
  try {
    const logOffset = fstatSync(fd).size;
    const [file, args] =
      options.netns === undefined ? [process.execPath, [options.script]] : [ipCommand(), ['netns', 'exec', options.netns, process.execPath, options.script]];
    const child = spawn(file, args, {
      detached: true,
      stdio: ['ignore', fd, fd],
      env: { PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin', ...options.env },
      cwd: '/',
    });
    child.unref();
    // spawn failures (ENOENT) arrive as an event; the pid is then undefined.
    child.on('error', () => undefined);
    const pid = child.pid;
    if (pid === undefined) return { child, pid: 0, startTime: '', logOffset };
    return { child, pid, startTime: processStartTime(pid) ?? '', logOffset };
  } finally {
    closeSync(fd);
  }
}

/** Start time of a live process in ticks since boot; undefined when it is gone or a zombie. */
export function processStartTime(pid: number): string | undefined {
  if (!(pid > 0)) return undefined;
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name may hold spaces and parentheses: fields are counted after its last ')'.
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  if (rest[0] === 'Z' || rest[0] === 'X') return undefined;
  return rest[19];
}

/** True while the process the record names runs (same pid and same start time). */
export function isProcessAlive(pid: number, startTime: string): boolean {
  const now = processStartTime(pid);
  return now !== undefined && (startTime === '' || now === startTime);
}

/**
 * Stops a container's process group: SIGTERM, then SIGKILL after `graceMs`. A process that is
 * gone (or is another process now) is success.
 */
export async function stopContainerProcess(pid: number, startTime: string, graceMs = 3000): Promise<void> {
  if (!isProcessAlive(pid, startTime)) return;
  const signalGroup = (signal: NodeJS.Signals): void => {
    try {
      process.kill(-pid, signal);
    } catch {
      // The group is gone already.
    }
  };
  signalGroup('SIGTERM');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 25));
    if (!isProcessAlive(pid, startTime)) return;
  }
  signalGroup('SIGKILL');
  while (isProcessAlive(pid, startTime)) await new Promise((r) => setTimeout(r, 10));
}

/** True when the log has a `ready` line written after `offset` (images print it once they serve). */
export function logSaysReady(logFile: string, offset: number): boolean {
  let fd: number;
  try {
    fd = openSync(logFile, 'r');
  } catch {
    return false;
  }
  try {
    // Readiness is printed right after start: the first 64 KiB after the offset hold it.
    const buf = Buffer.alloc(64 * 1024);
    const n = readSync(fd, buf, 0, buf.length, offset);
    return /(^|\n)ready\n/.test(buf.subarray(0, n).toString());
  } finally {
    closeSync(fd);
  }
}
