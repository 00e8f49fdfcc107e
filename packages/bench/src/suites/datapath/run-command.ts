import { runCommand } from '@netledger/datapath';

export { CommandFailedError, runCommand } from '@netledger/datapath';

/** `ip -batch -` in the host's network namespace or, with `netns` (a name), inside it. */
export function ipBatch(lines: readonly string[], netns?: string): void {
  const args = netns === undefined ? ['-batch', '-'] : ['-n', netns, '-batch', '-'];
  runCommand('ip', args, `${lines.join('\n')}\n`);
}
