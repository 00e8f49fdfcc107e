import { afterEach, describe } from 'node:test';
import type { EventRegistry, ServiceName } from '@netledger/contracts';
import type { EventLog } from '@netledger/eventlog';
import { appendCases } from './cases/append-cases.js';
import { largeAppendCases } from './cases/large-append-cases.js';
import { multiWriterCases } from './cases/multi-writer-cases.js';
import { outboxCases } from './cases/outbox-cases.js';
import { readCases } from './cases/read-cases.js';
import { replayCases } from './cases/replay-cases.js';
import { retentionCases } from './cases/retention-cases.js';
import { snapshotCases } from './cases/snapshot-cases.js';
import { upcastCases } from './cases/upcast-cases.js';
import { widgetRegistryV1 } from './widget-events.js';

/**
 * Opens a log on one database. Every call opens another connection (SQLite) or pool
 * (PostgreSQL) to the same database, so tests can reopen it or run two writers on it.
 */
export type OpenLog = (service: ServiceName, registry: EventRegistry, clock?: () => Date) => Promise<EventLog>;

/** Creates a fresh, empty database (a new SQLite file, a new PostgreSQL schema) and returns its opener. */
export type NewDatabase = () => Promise<OpenLog>;

/** What every case gets: fresh databases and logs that are closed after the test, pass or fail. */
export interface SuiteContext {
  newDatabase(): Promise<OpenLog>;
  /** Opens a log on `database`; defaults: service 'policy', the v1 widget registry. */
  open(database: OpenLog, options?: { readonly registry?: EventRegistry; readonly clock?: () => Date }): Promise<EventLog>;
  /** A log on a fresh database. */
  fresh(options?: { readonly registry?: EventRegistry; readonly clock?: () => Date }): Promise<EventLog>;
}

export interface SuiteOptions {
  /**
   * Each open is a database of its own (SQLite `:memory:`): the cases that reopen a database
   * or open two logs on one (upcasting, snapshots, two writers) are left out.
   */
  readonly privateDatabases?: boolean;
}

/** The behaviour every EventLog adapter must have, run against one adapter. */
export function eventLogSuite(label: string, newDatabase: NewDatabase, options: SuiteOptions = {}): void {
  describe(label, { timeout: 120_000 }, () => {
    const opened: EventLog[] = [];
    const ctx: SuiteContext = {
      newDatabase,
      async open(database, options = {}) {
        const log = await database('policy', options.registry ?? widgetRegistryV1(), options.clock);
        opened.push(log);
        return log;
      },
      async fresh(options = {}) {
        return ctx.open(await newDatabase(), options);
      },
    };

    afterEach(async () => {
      // close() is idempotent, so tests may close logs themselves (to reopen) as well.
      await Promise.all(opened.splice(0).map((log) => log.close()));
    });

    appendCases(ctx);
    largeAppendCases(ctx);
    readCases(ctx);
    replayCases(ctx);
    retentionCases(ctx);
    outboxCases(ctx);
    if (options.privateDatabases) return;
    upcastCases(ctx);
    snapshotCases(ctx);
    multiWriterCases(ctx);
  });
}
