import { mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DataDir } from './data-dir.js';

/** What a running component tells the rest of the stack about itself. */
export interface RunInfo {
  readonly component: string;
  readonly kind: 'service' | 'agent' | 'runtime' | 'controllers' | 'nats' | 'apiserver' | 'supervisor';
  readonly pid: number;
  /** Base URL of its status endpoint (`/healthz`, `/status`). */
  readonly statusUrl?: string;
  readonly startedAt: string;
}

/** Writes a component's run file atomically, so readers never see half of it. */
export function writeRunFile(dataDir: DataDir, info: RunInfo): void {
  mkdirSync(dataDir.run, { recursive: true });
  const file = dataDir.runFile(info.component);
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(info, null, 2));
  renameSync(tmp, file);
}

export function removeRunFile(dataDir: DataDir, component: string): void {
  rmSync(dataDir.runFile(component), { force: true });
}

/** Every component's run file; unreadable files are skipped (a component may be writing it). */
export function readRunFiles(dataDir: DataDir): RunInfo[] {
  let names: string[];
  try {
    names = readdirSync(dataDir.run).filter((n) => n.endsWith('.json'));
  } catch {
    return [];
  }
  const out: RunInfo[] = [];
  for (const n of names) {
    try {
      out.push(JSON.parse(readFileSync(join(dataDir.run, n), 'utf8')) as RunInfo);
    } catch {
      // skipped: being rewritten
    }
  }
  return out.sort((a, b) => a.component.localeCompare(b.component));
}

/** True when a process with this pid exists (signal 0 checks without signalling). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
