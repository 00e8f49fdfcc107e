import { isServiceName } from '@netledger/contracts';
import { RetentionError } from '@netledger/eventlog';
import type { DataDir } from '@netledger/runtime';
import { userInfo } from 'node:os';
import { CliError, UsageError } from '../cli-error.js';
import { printJson, type OutputFormat } from '../output.js';
import { openServiceLog } from './open-logs.js';

export const LOG_PRUNE_HELP = `Usage: netledger log prune --service S --before SEQ [--reason TEXT] [-o json]

Retention: removes a service's events before SEQ from its log, keeping a marker (the last
removed seq, its chain hash, when and why), so netledger audit verify still checks the rest of
the chain from there. Refused unless every snapshot of the service is at SEQ-1 or later (the
state those events made lives on in it) and every removed event was published to NATS; a
refusal names the snapshot that still needs the events (a service saves one every 1,000 events
by default). After a prune, history, replay and export cannot reach before SEQ (they say so).
Safe while the service runs (the prune takes the log's write lock).
  --service S     identity, policy or lb
  --before SEQ    the first event to keep
  --reason TEXT   recorded in the marker (default: "netledger log prune by <user>")
Example: netledger log prune --service policy --before 500000 --reason "keep 90 days"`;

export interface LogPruneOptions {
  readonly dataDir: DataDir;
  readonly service: string | undefined;
  readonly before: string | undefined;
  readonly reason: string | undefined;
  readonly output: OutputFormat;
}

/** `netledger log prune`: exit code 0 with the marker printed; 1 (CliError) when refused. */
export async function logPrune(options: LogPruneOptions): Promise<number> {
  const { service } = options;
  if (!service) throw new UsageError('log prune needs --service identity|policy|lb');
  if (!isServiceName(service)) throw new UsageError(`--service ${service}: expected identity, policy or lb`);
  const before = Number(options.before);
  if (options.before === undefined || !Number.isSafeInteger(before) || before < 2) throw new UsageError(`--before: expected a seq of 2 or more, got ${JSON.stringify(options.before ?? '')}`);
  const log = await openServiceLog(options.dataDir, service);
  try {
    const marker = await log.pruneBefore(before, { reason: options.reason ?? `netledger log prune by ${userInfo().username}` });
    if (options.output === 'json') printJson({ service, ...marker });
    else console.log(`${service} log: events through seq ${marker.throughSeq} removed (${marker.time}, ${marker.reason}); chain continues from ${marker.throughHash}`);
    return 0;
  } catch (e) {
    if (e instanceof RetentionError) throw new CliError(e.message);
    throw e;
  } finally {
    await log.close();
  }
}
