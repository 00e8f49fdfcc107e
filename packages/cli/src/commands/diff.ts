import type { DataDir } from '@netledger/runtime';
import { UsageError } from '../cli-error.js';
import { formatDiff } from '../history/format-diff.js';
import { parseLogPoint } from '../history/log-point.js';
import { replayService } from '../history/replay-service.js';
import { serviceView } from '../history/service-view.js';
import { stateDiff } from '../history/state-diff.js';
import { printJson, type OutputFormat } from '../output.js';
import { openServiceLog } from './open-logs.js';
import { requireService } from './replay.js';

export const DIFF_HELP = `Usage: netledger diff --service S --from SEQ|TIME --to SEQ|TIME [-o json]

What changed in one service's state between two points of its log: objects added (+),
removed (-) and changed (~, with the fields), each state replayed with the service's own
projection. Points are log sequences, ISO-8601 times, or durations ago (10m, 2h).
Example: netledger diff --service policy --from 1h --to 10m`;

export interface DiffOptions {
  readonly dataDir: DataDir;
  readonly service: string | undefined;
  readonly from: string | undefined;
  readonly to: string | undefined;
  readonly output: OutputFormat;
}

/** `netledger diff`: exit code 0. */
export async function diff(options: DiffOptions): Promise<number> {
  const service = requireService('diff', options.service);
  if (options.from === undefined || options.to === undefined) throw new UsageError('diff needs --from and --to (SEQ|TIME)');
  const now = Date.now();
  const from = parseLogPoint('from', options.from, now);
  const to = parseLogPoint('to', options.to, now);
  const log = await openServiceLog(options.dataDir, service);
  try {
    const view = serviceView(service);
    const before = await replayService(log, view, from);
    const after = await replayService(log, view, to);
    const changes = stateDiff(before.objects, after.objects);
    if (options.output === 'json') {
      printJson({ service, from: before.seq, to: after.seq, ...changes });
      return 0;
    }
    console.log(`${service} from seq ${before.seq} to seq ${after.seq}: ${changes.added.length} added, ${changes.removed.length} removed, ${changes.changed.length} changed`);
    for (const stream of changes.added) console.log(`+ ${stream}`);
    for (const stream of changes.removed) console.log(`- ${stream}`);
    for (const c of changes.changed) console.log([`~ ${c.stream}`, ...formatDiff(c.diff)].join('\n'));
    return 0;
  } finally {
    await log.close();
  }
}
