import { readRunFiles, type DataDir, type RunInfo } from '@netledger/runtime';

/**
 * Waits until a component has written its run file and its /healthz answers 200.
 * Returns its run info, or undefined on timeout.
 */
export async function waitHealthy(dataDir: DataDir, component: string, pid: number | undefined, timeoutMs: number): Promise<RunInfo | undefined> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const info = readRunFiles(dataDir).find((r) => r.component === component && (pid === undefined || r.pid === pid));
    if (info?.statusUrl) {
      try {
        const res = await fetch(`${info.statusUrl}/healthz`, { signal: AbortSignal.timeout(1000) });
        if (res.ok) return info;
      } catch {
        // not listening yet
      }
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return undefined;
}
