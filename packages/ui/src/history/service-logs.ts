import { existsSync } from 'node:fs';
import { createNetledgerRegistry, type ServiceName } from '@netledger/contracts';
import type { EventLog } from '@netledger/eventlog';
import { ConfigError, openEventLog, parseStorage, type DataDir } from '@netledger/runtime';
import { ApiError } from '../http/api-error.js';
import { readStackFacts } from '../stack/stack-facts.js';

/**
 * The services' event logs, opened for reading on first use where the stack file says they
 * are, and kept open. Reading a SQLite log while its service writes is safe (WAL); nothing
 * here appends.
 */
export class ServiceLogs {
  private readonly open = new Map<ServiceName, Promise<EventLog>>();

  constructor(private readonly dataDir: DataDir) {}

  /** The log of one service; ApiError(503) when the stack has none yet. */
  log(service: ServiceName): Promise<EventLog> {
    let log = this.open.get(service);
    if (!log) {
      log = this.openLog(service);
      this.open.set(service, log);
      // A failed open is retried on the next request (the service may be starting).
      log.catch(() => this.open.delete(service));
    }
    return log;
  }

  async close(): Promise<void> {
    const logs = [...this.open.values()];
    this.open.clear();
    await Promise.all(logs.map((l) => l.then((x) => x.close(), () => undefined)));
  }

  private async openLog(service: ServiceName): Promise<EventLog> {
    let storage;
    try {
      storage = parseStorage(readStackFacts(this.dataDir).services[service], service, this.dataDir);
    } catch (e) {
      if (e instanceof ConfigError) throw new ApiError(503, `the ${service} service's storage in ${this.dataDir.stackFile}: ${e.message}`, { cause: e });
      throw e;
    }
    // Opening a missing SQLite file would create an empty log: say the service has none instead.
    if (storage.kind === 'sqlite' && !existsSync(storage.file)) {
      throw new ApiError(503, `the ${service} service has no event log at ${storage.file} (is the stack in ${this.dataDir.root} up?)`);
    }
    return openEventLog(storage, service, createNetledgerRegistry());
  }
}
