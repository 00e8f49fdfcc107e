import { join } from 'node:path';
import { createNetledgerRegistry, type EventEnvelope } from '@netledger/contracts';
import { openSqliteEventLog, type EventLog } from '@netledger/eventlog';
import { MemoryClusterSources } from '@netledger/k8s';
import { parseServiceArgs, type Logger, type ServiceContext } from '@netledger/runtime';
import { createTempDir, type TempDir } from '@netledger/testkit';
import { IdentityDomain, type IdentityOptions } from '../../src/index.js';
import { ManualClock } from './manual-clock.js';

export interface HarnessOptions {
  readonly identity?: IdentityOptions;
  readonly snapshotEvery?: number;
}

/**
 * The identity domain on a real SQLite log in a temp dir, fed by in-memory sources, with one
 * manual clock for the log and the domain. `restart()` stops the domain and the log and starts
 * new ones on the same file and the same sources.
 */
export class IdentityHarness {
  readonly sources = new MemoryClusterSources();
  readonly clock = new ManualClock();
  readonly logLines: string[] = [];
  log!: EventLog;
  domain!: IdentityDomain;

  private constructor(
    readonly dir: TempDir,
    private readonly options: HarnessOptions,
  ) {}

  static async start(options: HarnessOptions = {}): Promise<IdentityHarness> {
    const h = new IdentityHarness(await createTempDir('netledger-identity'), options);
    await h.open();
    return h;
  }

  private async open(): Promise<void> {
    this.log = await openSqliteEventLog({ service: 'identity', registry: createNetledgerRegistry(), file: join(this.dir.path, 'identity.db'), clock: this.clock.now });
    this.domain = new IdentityDomain({ clock: this.clock.now, gcIntervalMs: 3_600_000, ...this.options.identity });
    const config = parseServiceArgs('identity', ['--data-dir', this.dir.path, '--snapshot-every', String(this.options.snapshotEvery ?? 1000)]);
    if (!config) throw new Error('no config');
    const logger: Logger = { info: (m) => this.logLines.push(`INFO ${m}`), error: (m) => this.logLines.push(`ERROR ${m}`) };
    const context: ServiceContext = { config, log: this.log, sources: this.sources, logger };
    await this.domain.start(context);
  }

  /** Every event in the log, oldest first. */
  events(fromSeq = 1): Promise<EventEnvelope[]> {
    return this.log.readAll(fromSeq);
  }

  async lastSeq(): Promise<number> {
    return (await this.log.head()).lastSeq;
  }

  async restart(): Promise<void> {
    await this.domain.stop();
    await this.log.close();
    await this.open();
  }

  async close(): Promise<void> {
    await this.domain.stop();
    await this.log.close();
    await this.dir.remove();
  }
}
