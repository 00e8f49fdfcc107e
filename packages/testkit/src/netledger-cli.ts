import { execFile, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { probePinnedMaps } from '@netledger/datapath';
import { freePort } from './free-port.js';

const run = promisify(execFile);

/** The repository's `netledger` binary. */
export const NETLEDGER_BIN = fileURLToPath(new URL('../../cli/bin/netledger.js', import.meta.url));

/** What one CLI run printed and how it ended. */
export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `netledger --data-dir DIR ARGS...` as a user would, whatever its exit code. */
export async function netledgerCli(dataDir: string, args: readonly string[], options: { timeoutMs?: number } = {}): Promise<CliRun> {
  try {
    const { stdout, stderr } = await run(process.execPath, [NETLEDGER_BIN, '--data-dir', dataDir, ...args], {
      timeout: options.timeoutMs ?? 200_000,
      maxBuffer: 64 << 20,
    });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof err.code === 'number' ? err.code : 1, stdout: err.stdout ?? '', stderr: err.stderr ?? '' };
  }
}

/**
 * Why this machine cannot run a whole local stack with pods (root, network namespaces, BPF
 * maps, the built programs), or undefined when it can: privileged tests skip with this reason.
 */
export function missingStackCapability(): string | undefined {
  if (process.getuid?.() !== 0) return 'not root: the stack runs pods as network namespaces (veth, tc and BPF need CAP_NET_ADMIN, CAP_BPF)';
  if (spawnSync('ip', ['netns', 'list']).status !== 0) return 'ip netns does not work here (iproute2 missing?)';
  const object = fileURLToPath(new URL('../../../bpf/build/netledger.o', import.meta.url));
  if (!existsSync(object)) return `the datapath programs are not built (${object}: npm run build)`;
  const probe = probePinnedMaps(`/sys/fs/bpf/netledger-probe-${process.pid}`);
  if (!probe.ok) return `no BPF maps (CAP_BPF): ${probe.reason}`;
  return undefined;
}

/** What a test stack needs of its own so several run on one machine at once. */
export interface TestStackOptions {
  readonly node: string;
  readonly pinDir: string;
  readonly podCidr: string;
  readonly serviceCidr: string;
}

/**
 * `netledger up --detach` without the demo and the connectivity check, on free ports and the
 * test's own node name, pin dir, pod and service ranges (stacks sharing a machine must not
 * overlap: every stack's host socket programs see every connection the host makes).
 */
export async function upTestStack(dataDir: string, o: TestStackOptions): Promise<CliRun> {
  return netledgerCli(dataDir, [
    'up',
    '--detach',
    '--no-demo',
    '--no-connectivity-check',
    '--nats-port',
    String(await freePort()),
    '--apiserver-port',
    String(await freePort()),
    '--ui-port',
    '0',
    '--node',
    o.node,
    '--bpf-pin-dir',
    o.pinDir,
    '--pod-cidr',
    o.podCidr,
    '--service-cidr',
    o.serviceCidr,
  ]);
}
