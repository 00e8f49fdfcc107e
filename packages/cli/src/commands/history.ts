import { isServiceName, type ServiceName } from '@netledger/contracts';
import type { DataDir } from '@netledger/runtime';
import { UsageError } from '../cli-error.js';
import { printJson, type OutputFormat } from '../output.js';
import { serviceOfStream } from '../stack-file.js';
import { describeCause } from './format-event.js';
import { openServiceLog } from './open-logs.js';

export const HISTORY_HELP = `Usage: netledger history STREAM [--service S] [-o json]

Every event of one stream (an object's history), oldest first: version, time, log sequence,
type, cause and data. The owning service follows from the stream's first segment
(identity/…, endpoint/… -> identity; policy/…, cnp/…, ccnp/… -> policy; service/… -> lb) unless --service is given.
Example: netledger history identity/2`;

export async function history(dataDir: DataDir, stream: string | undefined, service: string | undefined, output: OutputFormat): Promise<number> {
  if (!stream) throw new UsageError('history needs a STREAM, e.g. netledger history identity/2');
  if (service !== undefined && !isServiceName(service)) throw new UsageError(`--service ${service}: expected identity, policy or lb`);
  const owner: ServiceName = (service as ServiceName | undefined) ?? serviceOfStream(stream);
  const log = await openServiceLog(dataDir, owner);
  try {
    const events = await log.readStreamForward(stream);
    if (output === 'json') {
      printJson(events);
      return events.length ? 0 : 1;
    }
    if (events.length === 0) {
      console.log(`stream ${stream} has no events in the ${owner} log`);
      return 1;
    }
    for (const e of events) {
      console.log(`v${e.version}  ${e.time}  seq ${e.seq}  ${e.type}  (${describeCause(e.cause)})`);
      console.log(`    ${JSON.stringify(e.data)}`);
    }
    return 0;
  } finally {
    await log.close();
  }
}
