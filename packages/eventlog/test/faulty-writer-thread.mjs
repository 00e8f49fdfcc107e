// A writer thread that fails at its first commit (or first part of one) instead of answering, as a
// crashing one would: it exits (workerData.fault 'exit') or throws (fault 'throw'). Plain
// JavaScript: it needs no loader.
import { parentPort, workerData } from 'node:worker_threads';

parentPort.postMessage({ kind: 'ready' });
parentPort.on('message', (m) => {
  if (m.kind !== 'commit' && m.kind !== 'part') return;
  if (workerData.fault === 'throw') throw new Error('writer thread fault injected by the test');
  process.exit(3);
});
