import { spawn } from 'node:child_process';
import { CommandError } from './node-runtime-errors.js';

/** What a finished command printed. */
export interface CommandOutput {
  readonly exitCode: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface CommandOptions {
  /** Written to stdin, which is then closed. */
  readonly input?: string;
  /** The whole environment of the command (not merged with ours). */
  readonly env?: NodeJS.ProcessEnv;
  /** Killed (SIGKILL) after this long; default 30 s. */
  readonly timeoutMs?: number;
}

/** Runs a command to completion, whatever its exit code (the caller decides what a failure is). */
export function execCommand(file: string, args: readonly string[], options: CommandOptions = {}): Promise<CommandOutput> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { env: options.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30_000);
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.on('error', (cause) => {
      clearTimeout(timer);
      reject(new CommandError(file, args, null, cause.message, { cause }));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ exitCode: code, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() });
    });
    // A command that exits without reading its stdin closes the pipe under us: not our error.
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.input ?? '');
  });
}

/** Runs a command that must succeed; a non-zero exit throws CommandError with its stderr. */
export async function runCommand(file: string, args: readonly string[], options: CommandOptions = {}): Promise<string> {
  const r = await execCommand(file, args, options);
  if (r.exitCode !== 0) throw new CommandError(file, args, r.exitCode, r.stderr);
  return r.stdout;
}
