import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { probePinnedMaps } from '@netledger/datapath';

/**
 * What this machine or process lacks to run the datapath bench (undefined: nothing): Linux,
 * root (network namespaces, veths, tc), iproute2, BPF maps pinned under `pinDir` (bpffs,
 * bpftool, CAP_BPF), and the built datapath object. Probing creates `pinDir`; the caller
 * removes it either way.
 */
export function missingCapability(pinDir: string, objectPath: string): string | undefined {
  if (process.platform !== 'linux') return `Linux (this is ${process.platform})`;
  const uid = process.getuid?.();
  if (uid !== 0) return `root (for network namespaces, veths and tc programs; running as uid ${String(uid)})`;
  for (const tool of ['ip', 'tc']) {
    if (spawnSync(tool, ['-V']).error) return `iproute2 (\`${tool}\` is not installed: apt-get install iproute2)`;
  }
  const probe = probePinnedMaps(pinDir);
  if (!probe.ok) return `BPF maps under ${pinDir} (${probe.reason})`;
  if (!existsSync(objectPath)) return `the datapath object ${objectPath} (build it with \`npm run build\`)`;
  return undefined;
}
