import { mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DataDir } from './data-dir.js';

/** What a running component tells the rest of the stack about itself. */
export interface RunInfo {
  readonly component: string;
  readonly kind: 'service' | 'agent' | 'runtime' | 'controllers' | 'ui' | 'nats' | 'apiserver' | 'supervisor';
  readonly pid: number;
  /** Base URL of its status endpoint (`/healthz`, `/status`). */
  readonly statusUrl?: string;
  readonly startedAt: string;
}

// Kinds whose status URL is a StatusServer (and so serves /metrics); nats and the API server
// report other endpoints.
const SERVES_METRICS: ReadonlySet<RunInfo['kind']> = new Set(['service', 'agent', 'runtime', 'controllers', 'ui']);

/**
 * Writes a component's run file atomically, so readers never see half of it. A component with
 * a status endpoint also gets a Prometheus targets file (file_sd_configs format) in
 * `metrics-targets/`, so one glob in prometheus.yml scrapes every component of the stack.
 */
export function writeRunFile(dataDir: DataDir, info: RunInfo): void {
  writeAtomically(dataDir.run, dataDir.runFile(info.component), JSON.stringify(info, null, 2));
  if (info.statusUrl === undefined || !SERVES_METRICS.has(info.kind)) return;
  const target = [{ targets: [new URL(info.statusUrl).host], labels: { component: info.component, kind: info.kind } }];
  writeAtomically(dataDir.metricsTargets, dataDir.metricsTargetFile(info.component), `${JSON.stringify(target, null, 2)}\n`);
}

export function removeRunFile(dataDir: DataDir, component: string): void {
  rmSync(dataDir.metricsTargetFile(component), { force: true });
  rmSync(dataDir.runFile(component), { force: true });
}

function writeAtomically(dir: string, file: string, text: string): void {
  mkdirSync(dir, { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
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
