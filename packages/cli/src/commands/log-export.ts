import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { isServiceName } from '@netledger/contracts';
import { exportLine, storedEvents } from '@netledger/eventlog';
import type { DataDir } from '@netledger/runtime';
import { UsageError } from '../cli-error.js';
import { serviceStorage } from '../stack-file.js';
import { openServiceStoredEvents } from './audit-stored-events.js';

export const LOG_EXPORT_HELP = `Usage: netledger log export --service S [--out FILE]

Writes a service's whole event log as NDJSON, one event per line in sequence order: the
envelope exactly as stored (id, service, stream, version, seq, type, schemaVersion, time,
cause, data) and its chain hash. The file can be checked and loaded into an empty log with
netledger log import. Read page by page; safe while the stack runs (the export ends at the
last event committed when it reached the end).
  --service S   identity, policy or lb
  --out FILE    write here instead of standard output
Example: netledger log export --service policy --out policy.ndjson`;

export interface LogExportOptions {
  readonly dataDir: DataDir;
  readonly service: string | undefined;
  readonly out: string | undefined;
}

/** `netledger log export`: exit code 0; the event count goes to standard error when writing to stdout. */
export async function logExport(options: LogExportOptions): Promise<number> {
  const { service } = options;
  if (!service) throw new UsageError('log export needs --service identity|policy|lb');
  if (!isServiceName(service)) throw new UsageError(`--service ${service}: expected identity, policy or lb`);
  const source = openServiceStoredEvents(serviceStorage(options.dataDir, service), service);
  const out: Writable = options.out ? createWriteStream(options.out) : process.stdout;
  let events = 0;
  try {
    for await (const row of storedEvents(source)) {
      // Waits when the reader is slower than the log, so a large log is never held in memory.
      if (!out.write(`${exportLine(service, row)}\n`)) await once(out, 'drain');
      events++;
    }
  } finally {
    await source.close();
    if (options.out) await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
  }
  process.stderr.write(`exported ${events} ${service} events${options.out ? ` to ${options.out}` : ''}\n`);
  return 0;
}
