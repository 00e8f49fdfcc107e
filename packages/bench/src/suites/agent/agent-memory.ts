import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Figure } from '../../figures.js';
import { benchPinDir } from './bench-pin-dir.js';

const CHILD = fileURLToPath(new URL('./agent-memory-child.ts', import.meta.url));
// The loader this process runs under, found from here rather than from the working directory.
const TSX = import.meta.resolve('tsx');

interface ChildFigure {
  readonly metric: string;
  readonly value: number;
  readonly unit: string;
}

/** The child's figures; its stderr passes through. */
async function runChild(args: readonly string[]): Promise<ChildFigure[]> {
  const child = spawn(process.execPath, ['--expose-gc', '--import', TSX, CHILD, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', resolve);
  });
  if (code !== 0) throw new Error(`agent bench: ${CHILD} ${args.join(' ')} exited with ${String(code)}`);
  return out
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as ChildFigure);
}

/**
 * One agent's memory at 10,000 services and 100,000 endpoints: the desired state and the
 * reconciler fed the synthetic cluster's events directly (no NATS) in a child process, on
 * pinned maps (the agent as deployed: map contents live in the kernel, not in its RSS), then
 * the same on in-memory maps (an agent without a datapath, holding every entry itself). The
 * pinned child also changes one service's endpoints and reports what the reconciler wrote.
 */
export async function agentMemory(report: (f: Figure) => void): Promise<void> {
  const dir = benchPinDir('rss');
  const fig = (prefix: string) => (f: ChildFigure) => report({ suite: 'agent', metric: `${prefix}${f.metric}`, value: f.value, unit: f.unit });
  if (dir.ok) {
    try {
      (await runChild(['--pin-dir', dir.path, '--change'])).forEach(fig(''));
    } finally {
      dir.remove();
    }
    // Only the totals: the parts are the same as on pinned maps but for the maps' own bytes.
    (await runChild(['--memory'])).filter((f) => f.metric === 'rss_mib' || f.metric === 'heap_used_mib').forEach(fig('memory_maps_'));
  } else {
    process.stderr.write(`agent bench: memory measured on in-memory maps only: no pinned BPF maps (${dir.reason})\n`);
    (await runChild(['--memory', '--change'])).forEach(fig(''));
  }
}
