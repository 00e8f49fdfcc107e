import { isServiceName, type ServiceName } from '@netledger/contracts';
import type { DataDir } from '@netledger/runtime';
import { UsageError } from '../cli-error.js';
import { parseLogPoint } from '../history/log-point.js';
import { replayService } from '../history/replay-service.js';
import { serviceView } from '../history/service-view.js';
import { printJson, type OutputFormat } from '../output.js';
import { openServiceLog } from './open-logs.js';

export const REPLAY_HELP = `Usage: netledger replay --service S --at SEQ|TIME [-o json]

Rebuilds one service's whole state as of a point of its log, with the projection the service
itself runs (a snapshot at or before the point is used; none is written), and prints how many
objects of each kind it held. -o json prints the objects by stream.
  --service S     identity, policy or lb
  --at SEQ|TIME   a log sequence, an ISO-8601 time, or a duration ago (10m, 2h)
Example: netledger replay --service policy --at 2026-11-29T10:00:00Z`;

/** Reads --service, which replay and diff both need. */
export function requireService(command: string, service: string | undefined): ServiceName {
  if (service === undefined) throw new UsageError(`${command} needs --service identity|policy|lb`);
  if (!isServiceName(service)) throw new UsageError(`--service ${service}: expected identity, policy or lb`);
  return service;
}

export interface ReplayOptions {
  readonly dataDir: DataDir;
  readonly service: string | undefined;
  readonly at: string | undefined;
  readonly output: OutputFormat;
}

/** `netledger replay`: exit code 0. */
export async function replay(options: ReplayOptions): Promise<number> {
  const service = requireService('replay', options.service);
  if (options.at === undefined) throw new UsageError('replay needs --at SEQ|TIME');
  const at = parseLogPoint('at', options.at, Date.now());
  const log = await openServiceLog(options.dataDir, service);
  try {
    const replayed = await replayService(log, serviceView(service), at);
    if (options.output === 'json') {
      printJson({ service, seq: replayed.seq, time: replayed.time, objects: Object.fromEntries(replayed.objects) });
      return 0;
    }
    console.log(`${service} as of seq ${replayed.seq}${replayed.time ? ` (${replayed.time})` : ''}: ${replayed.objects.size} objects`);
    console.log(`  replayed ${replayed.replayed} events${replayed.fromSnapshot ? ' on top of a snapshot' : ''}`);
    const kinds = new Map<string, number>();
    for (const stream of replayed.objects.keys()) {
      const kind = stream.split('/')[0] ?? stream;
      kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
    }
    for (const [kind, n] of [...kinds].sort()) console.log(`  ${kind.padEnd(16)} ${n}`);
    return 0;
  } finally {
    await log.close();
  }
}
