import { SERVICE_NAMES, isServiceName, type EventEnvelope, type ServiceName } from '@netledger/contracts';
import type { EventLog } from '@netledger/eventlog';
import type { DataDir } from '@netledger/runtime';
import { UsageError } from '../cli-error.js';
import type { OutputFormat } from '../output.js';
import { eventLine } from './format-event.js';
import { openServiceLog } from './open-logs.js';

export const EVENTS_TAIL_HELP = `Usage: netledger events tail [--service S] [--since SEQ|TIME] [-n N] [-f] [-o json]

Prints events from the services' logs, oldest first: by default the last 20 of each service.
  --service S     identity, policy or lb (default: all three, merged by time)
  --since SEQ     from this log sequence on (with one --service), or
  --since TIME    from this time on (ISO-8601, e.g. 2026-11-24T10:00:00Z, or 10m / 2h ago)
  -n N            how many recent events when --since is not given (default 20)
  -f, --follow    keep printing new events until Ctrl-C
  -o json         one JSON envelope per line (NDJSON)`;

export interface TailOptions {
  readonly dataDir: DataDir;
  readonly service: string | undefined;
  readonly since: string | undefined;
  readonly count: number;
  readonly follow: boolean;
  readonly output: OutputFormat;
}

type Since = { readonly seq: number } | { readonly time: Date } | { readonly last: number };

export async function eventsTail(options: TailOptions): Promise<number> {
  if (options.service !== undefined && !isServiceName(options.service)) {
    throw new UsageError(`--service ${options.service}: expected one of ${SERVICE_NAMES.join(', ')}`);
  }
  const services: ServiceName[] = options.service ? [options.service as ServiceName] : [...SERVICE_NAMES];
  const since = parseSince(options.since, options.count, services.length);
  const logs = await Promise.all(services.map(async (s) => ({ service: s, log: await openServiceLog(options.dataDir, s) })));
  const print = (e: EventEnvelope): void => {
    process.stdout.write(options.output === 'json' ? `${JSON.stringify(e)}\n` : `${eventLine(e)}\n`);
  };
  try {
    const next = new Map<ServiceName, number>();
    const first: EventEnvelope[] = [];
    for (const { service, log } of logs) {
      const events = await initial(log, since);
      first.push(...events);
      next.set(service, (events.at(-1)?.seq ?? (await startAfter(log, since))) + 1);
    }
    first.sort((a, b) => a.time.localeCompare(b.time) || a.service.localeCompare(b.service) || a.seq - b.seq).forEach(print);
    if (!options.follow) return 0;
    let stopped = false;
    process.once('SIGINT', () => (stopped = true));
    while (!stopped) {
      for (const { service, log } of logs) {
        const events = await log.readAll(next.get(service)!, { limit: 1000 });
        events.forEach(print);
        if (events.length) next.set(service, events.at(-1)!.seq + 1);
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    return 0;
  } finally {
    await Promise.all(logs.map((l) => l.log.close()));
  }
}

function parseSince(raw: string | undefined, count: number, services: number): Since {
  if (raw === undefined) return { last: count };
  if (/^\d+$/.test(raw)) {
    if (services !== 1) throw new UsageError('--since SEQ needs --service: each service has its own sequence');
    return { seq: Number(raw) };
  }
  const ago = /^(\d+)(s|m|h|d)$/.exec(raw);
  if (ago) {
    const unit = { s: 1e3, m: 60e3, h: 3600e3, d: 86400e3 }[ago[2] as 's' | 'm' | 'h' | 'd'];
    return { time: new Date(Date.now() - Number(ago[1]) * unit) };
  }
  const t = new Date(raw);
  if (Number.isNaN(t.getTime())) throw new UsageError(`--since ${raw}: expected a sequence number, an ISO-8601 time or a duration like 10m`);
  return { time: t };
}

async function initial(log: EventLog, since: Since): Promise<EventEnvelope[]> {
  if ('seq' in since) return log.readAll(since.seq, { limit: 100_000 });
  if ('last' in since) {
    const { lastSeq } = await log.head();
    return log.readAll(Math.max(1, lastSeq - since.last + 1), { limit: since.last });
  }
  // From the first event at or after the time: find where the time starts without reading what precedes it.
  const before = await log.lastSeqAt(new Date(since.time.getTime() - 1));
  return log.readAll(before + 1, { limit: 100_000 });
}

async function startAfter(log: EventLog, since: Since): Promise<number> {
  if ('seq' in since) return since.seq - 1;
  return (await log.head()).lastSeq;
}
