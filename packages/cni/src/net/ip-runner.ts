import type { Tools } from './tools.js';
import { runCommand } from '@netledger/datapath';

/**
 * `ip` in the host's network namespace or, with `netns` (a path such as
 * /var/run/netns/x or /proc/<pid>/ns/net), inside it through nsenter.
 */
export class IpRunner {
  constructor(readonly tools: Tools) {}

  /** One `ip` command. */
  run(args: readonly string[], netns?: string): string {
    return netns === undefined ? runCommand(this.tools.ip, args) : runCommand(this.tools.nsenter, [`--net=${netns}`, this.tools.ip, ...args]);
  }

  /** Several `ip` commands in one process (`ip -batch -`); stops at the first that fails. */
  batch(lines: readonly string[], netns?: string): string {
    return this.#batch(['-batch', '-'], lines, netns);
  }

  /** `show` commands in one process, each answering one JSON document per line. */
  batchJson(lines: readonly string[], netns?: string): unknown[] {
    const out = this.#batch(['-j', '-batch', '-'], lines, netns);
    return out
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as unknown);
  }

  /** `sysctl -w` inside a namespace (net.* keys are per namespace). */
  sysctl(netns: string, settings: readonly string[]): void {
    runCommand(this.tools.nsenter, [`--net=${netns}`, this.tools.sysctl, '-q', '-w', ...settings]);
  }

  #batch(flags: readonly string[], lines: readonly string[], netns: string | undefined): string {
    const input = lines.join('\n') + '\n';
    return netns === undefined
      ? runCommand(this.tools.ip, flags, input)
      : runCommand(this.tools.nsenter, [`--net=${netns}`, this.tools.ip, ...flags], input);
  }
}
