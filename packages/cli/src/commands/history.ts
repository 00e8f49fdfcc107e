import { isServiceName, type ServiceName } from '@netledger/contracts';
import type { DataDir } from '@netledger/runtime';
import { UsageError } from '../cli-error.js';
import { formatDiff } from '../history/format-diff.js';
import { parseLogPoint, type LogPoint } from '../history/log-point.js';
import { objectHistory } from '../history/object-history.js';
import { serviceView } from '../history/service-view.js';
import { printJson, type OutputFormat } from '../output.js';
import { serviceOfStream } from '../stack-file.js';
import { describeCause } from './format-event.js';
import { openServiceLog } from './open-logs.js';

export const HISTORY_HELP = `Usage: netledger history OBJECT [--service S] [--since T] [--until T] [-o json]

Every change of one object, oldest first: log sequence, stream version, time, event type, its
cause (the Kubernetes object's uid and resourceVersion, or the command that asked for it) and
what it changed in the object's state (+ added, - removed, ~ changed fields). OBJECT is the
object's stream: policy/NS/NAME, cnp/NS/NAME, ccnp/NAME, endpoint/NS/POD, service/NS/NAME,
identity/ID. The state is the owning service's own projection replayed over its log, so the
diff is the object as the service saw it. The owning service follows from the first segment
(identity/…, endpoint/… -> identity; policy/…, cnp/…, ccnp/… -> policy; service/… -> lb)
unless --service is given.
  --since T, --until T   only changes in this window: a log sequence, an ISO-8601 time, or a
                         duration ago (10m, 2h)
  -o json                the changes with the full event cause, state and diff
Example: netledger history policy/default/allow-web --since 1h`;

export interface HistoryOptions {
  readonly dataDir: DataDir;
  readonly object: string | undefined;
  readonly service: string | undefined;
  readonly since: string | undefined;
  readonly until: string | undefined;
  readonly output: OutputFormat;
}

/** `netledger history OBJECT`: exit code 0, or 1 when the object has no change in the window. */
export async function history(options: HistoryOptions): Promise<number> {
  const { object, service } = options;
  if (!object) throw new UsageError('history needs an OBJECT, e.g. netledger history policy/default/allow-web');
  if (service !== undefined && !isServiceName(service)) throw new UsageError(`--service ${service}: expected identity, policy or lb`);
  const owner: ServiceName = (service as ServiceName | undefined) ?? serviceOfStream(object);
  const now = Date.now();
  const point = (flag: string, raw: string | undefined): LogPoint | undefined => (raw === undefined ? undefined : parseLogPoint(flag, raw, now));
  const window = { since: point('since', options.since), until: point('until', options.until) };
  const log = await openServiceLog(options.dataDir, owner);
  try {
    const changes = await objectHistory(log, serviceView(owner), object, window);
    if (options.output === 'json') {
      printJson(changes);
      return changes.length ? 0 : 1;
    }
    if (changes.length === 0) {
      console.log(`${object} has no changes in the ${owner} log${options.since || options.until ? ' in that window' : ''}`);
      return 1;
    }
    for (const c of changes) {
      console.log(`seq ${c.seq}  v${c.version}  ${c.time}  ${c.type}  <- ${describeCause(c.cause)}`);
      const lines = formatDiff(c.diff);
      console.log(lines.length ? lines.join('\n') : '    (no change to the object)');
    }
    return 0;
  } finally {
    await log.close();
  }
}
