import { existsSync, rmSync } from 'node:fs';
import { isAlive, readRunFiles, type DataDir } from '@netledger/runtime';
import { CliError } from '../cli-error.js';
import { runningSupervisor } from './up.js';

export const DOWN_HELP = `Usage: netledger down [--data-dir DIR]

Stops the stack that netledger up --detach started from DIR: the node agent, the services
(each publishes what its outbox still holds), then nats-server. Waits until all have exited.`;

const STOP_TIMEOUT_MS = 60_000;

export async function down(dataDir: DataDir): Promise<number> {
  const pid = runningSupervisor(dataDir);
  if (!pid) {
    const leftovers = readRunFiles(dataDir).filter((r) => isAlive(r.pid));
    if (leftovers.length === 0) {
      console.log(`no stack runs from ${dataDir.root}`);
      return 0;
    }
    // The supervisor died without stopping its children (SIGKILL): stop them directly.
    for (const r of leftovers) process.kill(r.pid, 'SIGTERM');
    await waitGone(leftovers.map((r) => r.pid));
    console.log(`stopped ${leftovers.map((r) => r.component).join(', ')} (their supervisor was gone)`);
    return 0;
  }
  const children = readRunFiles(dataDir).map((r) => r.pid);
  process.kill(pid, 'SIGTERM');
  if (!(await waitGone([pid, ...children]))) {
    throw new CliError(`the stack (pid ${pid}) did not stop within ${STOP_TIMEOUT_MS / 1000} s; see ${dataDir.logFile('up')}`);
  }
  if (existsSync(dataDir.supervisorPidFile)) rmSync(dataDir.supervisorPidFile, { force: true });
  console.log(`stopped the stack in ${dataDir.root}`);
  return 0;
}

async function waitGone(pids: readonly number[]): Promise<boolean> {
  const deadline = Date.now() + STOP_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (pids.every((p) => !isAlive(p))) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}
