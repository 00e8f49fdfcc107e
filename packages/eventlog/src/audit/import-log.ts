import type { ServiceName } from '@netledger/contracts';
import { chainHash } from '../sql/hash-chain.js';
import { GENESIS_HASH } from '../sql/migrate.js';
import { LogImportError } from './import-errors.js';
import type { StoredEventSink } from './stored-event-sink.js';
import type { StoredEventRow } from './stored-event-source.js';

/** What an import wrote. */
export interface LogImport {
  readonly location: string;
  readonly events: number;
  readonly lastSeq: number;
  /** The chain's head: the last event's hash (GENESIS_HASH for an empty export). */
  readonly headHash: string;
}

const BATCH = 1000;

/**
 * Imports an exported log (NDJSON lines from exportLine) into an empty log, checking the hash
 * chain as it goes: seqs 1, 2, 3... and every line's hash recomputed from its fields and the
 * previous line's. All or nothing: the rows commit in one transaction, and any bad line rolls it
 * back. The outbox position moves to the last event, because the exported events were published
 * by the log they came from; the relay does not publish them a second time.
 */
export async function importLog(sink: StoredEventSink, service: ServiceName, lines: AsyncIterable<string>): Promise<LogImport> {
  let prevHash = GENESIS_HASH;
  let lastTime: string | null = null;
  let seq = 0;
  let lineNo = 0;
  let batch: StoredEventRow[] = [];
  await sink.begin();
  try {
    // Checked inside the transaction, so no append can slip in between the check and the import.
    if (!(await sink.isEmpty())) throw new LogImportError(sink.location, undefined, 'the log already has events: import only into an empty log');
    for await (const line of lines) {
      lineNo++;
      if (line.trim() === '') continue;
      const row = parseLine(sink.location, service, line, lineNo);
      if (seq === 0 && row.seq > 1) {
        throw new LogImportError(
          sink.location,
          lineNo,
          `the export starts at seq ${row.seq}: events 1..${row.seq - 1} are not in it. An import needs the whole log from seq 1 ` +
            `(a log pruned by retention is not exported: the state before its retention point is only in a snapshot)`,
        );
      }
      if (row.seq !== seq + 1) throw new LogImportError(sink.location, lineNo, `seq ${row.seq} where ${seq + 1} was expected (an event is missing or out of order)`);
      const fields = { seq: row.seq, id: row.id, stream: row.stream, version: row.version, type: row.type, schemaVersion: row.schema_version, time: row.time, cause: row.cause, data: row.data };
      if (chainHash(prevHash, fields) !== row.hash) throw new LogImportError(sink.location, lineNo, `event ${row.id} (seq ${row.seq}) does not match its hash: the export was changed`);
      prevHash = row.hash;
      lastTime = row.time;
      seq = row.seq;
      batch.push(row);
      if (batch.length >= BATCH) {
        await sink.insert(batch);
        batch = [];
      }
    }
    if (batch.length > 0) await sink.insert(batch);
    await sink.commit({ lastSeq: seq, lastHash: prevHash, lastTime });
  } catch (e) {
    await sink.rollback();
    throw e;
  }
  return { location: sink.location, events: seq, lastSeq: seq, headHash: prevHash };
}

function parseLine(location: string, service: ServiceName, line: string, lineNo: number): StoredEventRow {
  let v: Record<string, unknown>;
  try {
    v = JSON.parse(line) as Record<string, unknown>;
  } catch (cause) {
    throw new LogImportError(location, lineNo, `not JSON: ${(cause as Error).message}`, { cause });
  }
  if (v.service !== service) throw new LogImportError(location, lineNo, `event of service ${String(v.service)}, importing into the ${service} log`);
  const text = (field: string): string => {
    const f = v[field];
    if (typeof f !== 'string') throw new LogImportError(location, lineNo, `field ${field}: expected a string`);
    return f;
  };
  const int = (field: string): number => {
    const f = v[field];
    if (!Number.isSafeInteger(f)) throw new LogImportError(location, lineNo, `field ${field}: expected an integer`);
    return f as number;
  };
  if (!('cause' in v) || !('data' in v)) throw new LogImportError(location, lineNo, 'fields cause and data are required');
  return {
    seq: int('seq'),
    id: text('id'),
    stream: text('stream'),
    version: int('version'),
    type: text('type'),
    schema_version: int('schemaVersion'),
    time: text('time'),
    // The log stored JSON.stringify of what was appended; JSON.parse keeps key order, so
    // stringifying the parsed value gives the stored text back (and the hash proves it).
    cause: JSON.stringify(v.cause),
    data: JSON.stringify(v.data),
    hash: text('hash'),
  };
}
