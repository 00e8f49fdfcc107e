import { SERVICE_NAMES, isServiceName, type ServiceName } from '@netledger/contracts';
import { verifyLog, type LogVerification } from '@netledger/eventlog';
import type { DataDir } from '@netledger/runtime';
import { UsageError } from '../cli-error.js';
import { printJson, table, type OutputFormat } from '../output.js';
import { serviceStorage } from '../stack-file.js';
import { openServiceStoredEvents } from './audit-stored-events.js';

export const AUDIT_VERIFY_HELP = `Usage: netledger audit verify [--service S] [-o json]

Re-reads every service's whole event log (or one service's), SQLite or PostgreSQL, page by
page, and checks it against its hash chain: each event commits to the one before it, and the
log head to the last one. Names the first event that was changed (its fields no longer match
its hash), removed (a gap in the sequence, or events missing before the log head) or
reordered (stored under another event's sequence). Snapshots are not part of the chain and
never affect the result. Reading is safe while the stack runs.
  --service S   only this service's log: identity, policy or lb
  -o json       each log's result: events read, last seq, chain head, the first problem
Exit code 1 when a log fails verification or cannot be read.
Example: netledger audit verify --service policy`;

export interface AuditVerifyOptions {
  readonly dataDir: DataDir;
  readonly service: string | undefined;
  readonly output: OutputFormat;
  /** Where text goes (tests collect it). */
  readonly write?: (text: string) => void;
}

/** One service's outcome: the verification, or why its log could not be read. */
export type ServiceVerification =
  | ({ readonly service: ServiceName; readonly millis: number } & LogVerification)
  | { readonly service: ServiceName; readonly ok: false; readonly error: string };

/** `netledger audit verify`: exit code 0 when every log verifies, else 1. */
export async function auditVerify(options: AuditVerifyOptions): Promise<number> {
  const { service } = options;
  if (service !== undefined && !isServiceName(service)) throw new UsageError(`--service ${service}: expected identity, policy or lb`);
  const services: readonly ServiceName[] = service ? [service] : SERVICE_NAMES;
  const results: ServiceVerification[] = [];
  for (const s of services) results.push(await verifyService(options.dataDir, s));
  if (options.output === 'json') printJson(results);
  else printText(results, options.write ?? ((t) => console.log(t)));
  return results.every((r) => r.ok) ? 0 : 1;
}

async function verifyService(dataDir: DataDir, service: ServiceName): Promise<ServiceVerification> {
  try {
    const source = openServiceStoredEvents(serviceStorage(dataDir, service), service);
    try {
      const started = performance.now();
      const v = await verifyLog(source);
      return { service, millis: Math.round(performance.now() - started), ...v };
    } finally {
      await source.close();
    }
  } catch (e) {
    // A log that cannot be read is not verified: reported with the others, and the exit code is 1.
    return { service, ok: false, error: (e as Error).message };
  }
}

/** Says where the chain starts when retention removed its beginning. */
function pruned(r: { readonly prunedThrough?: number }): string {
  return r.prunedThrough === undefined ? '' : ` (pruned through seq ${r.prunedThrough})`;
}

function printText(results: readonly ServiceVerification[], write: (text: string) => void): void {
  const rows = results.map((r) =>
    'error' in r
      ? [r.service, '-', '-', 'UNREADABLE']
      : [r.service, String(r.events), String(r.lastSeq), `${r.ok ? 'ok' : `FAILED: ${r.problem?.kind ?? 'changed'} at seq ${r.problem?.seq ?? '?'}`}${pruned(r)}`],
  );
  write(table(['SERVICE', 'EVENTS', 'LAST SEQ', 'RESULT'], rows));
  for (const r of results) {
    if ('error' in r) write(`${r.service}: ${r.error}`);
    else if (!r.ok) write(`${r.service} (${r.location}): ${r.problem?.detail ?? 'the chain does not verify'}; ${r.failures} failed check(s) in all`);
  }
}
