import { join } from 'node:path';
import { createNetledgerRegistry, type EventEnvelope } from '@netledger/contracts';
import { openSqliteEventLog, type EventLog } from '@netledger/eventlog';
import { MemoryClusterSources } from '@netledger/k8s';
import { parseServiceArgs, type Logger, type ServiceContext } from '@netledger/runtime';
import { createTempDir, type TempDir } from '@netledger/testkit';
import { LbDomain, type LbDomainOptions } from '@netledger/lb-service';

/** A logger that keeps what it was told, for assertions and for quiet test output. */
export interface RecordingLogger extends Logger {
  readonly infos: string[];
  readonly errors: string[];
}

export function recordingLogger(): RecordingLogger {
  const infos: string[] = [];
  const errors: string[] = [];
  return { infos, errors, info: (m) => void infos.push(m), error: (m) => void errors.push(m) };
}

/** An lb log on a real SQLite file, the sources a test pushes changes into, and the domain on top. */
export class LbHarness {
  readonly sources = new MemoryClusterSources();
  readonly logger = recordingLogger();
  domain: LbDomain | undefined;
  private readSeq = 0;

  private constructor(
    readonly dir: TempDir,
    readonly log: EventLog,
    private readonly snapshotEvery: number,
  ) {}

  static async open(options: { snapshotEvery?: number } = {}): Promise<LbHarness> {
    const dir = await createTempDir('netledger-lb-test');
    const log = await openSqliteEventLog({ service: 'lb', registry: createNetledgerRegistry(), file: join(dir.path, 'lb.db') });
    return new LbHarness(dir, log, options.snapshotEvery ?? 1000);
  }

  context(): ServiceContext {
    const config = parseServiceArgs('lb', ['--data-dir', this.dir.path, '--snapshot-every', String(this.snapshotEvery)]);
    if (!config) throw new Error('no config');
    return { config, log: this.log, sources: this.sources, logger: this.logger };
  }

  /** Starts a new domain on the log (a restart when one ran before). */
  async start(options: LbDomainOptions = {}): Promise<LbDomain> {
    const domain = new LbDomain(options);
    await domain.start(this.context());
    this.domain = domain;
    return domain;
  }

  async stopDomain(): Promise<void> {
    await this.domain?.stop();
    this.domain = undefined;
  }

  /** Waits for the writer, then returns the events appended since the last call. */
  async newEvents(): Promise<EventEnvelope[]> {
    await this.domain?.settled();
    const events = await this.log.readAll(this.readSeq + 1);
    this.readSeq = events.at(-1)?.seq ?? this.readSeq;
    return events;
  }

  async close(): Promise<void> {
    await this.stopDomain();
    await this.log.close();
    await this.dir.remove();
  }
}
