import { createReadStream, existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { isServiceName, type ServiceName } from '@netledger/contracts';
import { importLog, LogImportError, openPostgresStoredEventSink, openSqliteStoredEventSink, type StoredEventSink } from '@netledger/eventlog';
import { describeStorage, parseStorage, type DataDir, type StorageConfig } from '@netledger/runtime';
import { CliError, UsageError } from '../cli-error.js';
import { printJson, type OutputFormat } from '../output.js';

export const LOG_IMPORT_HELP = `Usage: netledger log import --service S --db URL FILE [-o json]

Loads an NDJSON export (netledger log export) into an empty event log, checking the hash
chain line by line: sequences 1, 2, 3... and every event's hash recomputed from its fields
and the previous event's. A log that already has events is refused; a changed, missing or
reordered line stops the import and nothing is written (one transaction). The imported
events count as published (the relay does not send them to NATS again). Do not run the
service on the target log while importing.
  --service S   identity, policy or lb (each line must be this service's event)
  --db URL      the target log: sqlite:PATH, or postgres://... (schema netledger_<service>)
  -o json       events imported, last seq and chain head
Example: netledger log import --service policy --db sqlite:/tmp/policy.db policy.ndjson`;

export interface LogImportOptions {
  readonly dataDir: DataDir;
  readonly service: string | undefined;
  readonly db: string | undefined;
  readonly file: string | undefined;
  readonly output: OutputFormat;
}

/** `netledger log import`: exit code 0, or 1 (CliError) when the export is refused. */
export async function logImport(options: LogImportOptions): Promise<number> {
  const { service, db, file } = options;
  if (!service) throw new UsageError('log import needs --service identity|policy|lb');
  if (!isServiceName(service)) throw new UsageError(`--service ${service}: expected identity, policy or lb`);
  if (!db) throw new UsageError('log import needs --db sqlite:PATH or --db postgres://... (the target log)');
  if (!file) throw new UsageError('log import needs the export FILE');
  if (!existsSync(file)) throw new CliError(`${file}: no such file`);
  const storage = parseStorage(db, service, options.dataDir);
  const sink = await openSink(storage, service);
  const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
  try {
    const result = await importLog(sink, service, lines);
    if (options.output === 'json') printJson({ service, target: describeStorage(storage), ...result });
    else console.log(`imported ${result.events} ${service} events into ${describeStorage(storage)}; chain head ${result.headHash}`);
    return 0;
  } catch (e) {
    if (e instanceof LogImportError) throw new CliError(`${file}: ${e.message}`);
    throw e;
  } finally {
    lines.close();
    await sink.close();
  }
}

function openSink(storage: StorageConfig, service: ServiceName): Promise<StoredEventSink> {
  return storage.kind === 'sqlite' ? openSqliteStoredEventSink(storage.file) : openPostgresStoredEventSink(storage.url, storage.schema ?? `netledger_${service}`);
}
