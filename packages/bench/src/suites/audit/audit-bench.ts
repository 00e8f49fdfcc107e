import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createNetledgerRegistry } from '@netledger/contracts';
import { openSqliteEventLog, openSqliteStoredEvents, rebuildProjection, saveSnapshot, verifyLog } from '@netledger/eventlog';
import { identityProjection } from '@netledger/identity-service';
import { quantile, rssMiB, type Figure } from '../../figures.js';
import { AuditBenchError } from './audit-bench-error.js';
import { writeIdentityHistory } from './identity-history.js';

export interface AuditBenchOptions {
  /** Events in the log (at least; the last batch may add a few more). */
  readonly events: number;
}

export const AUDIT_DEFAULTS: AuditBenchOptions = { events: 1_000_000 };

const SUITE = 'audit';
const STATE_AT_TIME_RUNS = 5;

/**
 * Replay, state-at-a-point and verify speed over one service's log: the identity service's
 * history written to a fresh SQLite log by its own decision code, then rebuilt with the
 * projection the live service uses, rebuilt as of the middle of the log from a snapshot at a
 * quarter (what `netledger replay --at` does), and verified along its hash chain.
 */
export async function auditBench(report: (f: Figure) => void, options: AuditBenchOptions = AUDIT_DEFAULTS): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'netledger-audit-bench-'));
  const file = join(dir, 'identity.db');
  try {
    const log = await openSqliteEventLog({ service: 'identity', registry: createNetledgerRegistry(), file });
    try {
      const t0 = performance.now();
      const lastSeq = await writeIdentityHistory(log, options.events);
      report({ suite: SUITE, metric: 'audit_events', value: lastSeq, unit: 'events' });
      report({ suite: SUITE, metric: 'audit_generate_s', value: (performance.now() - t0) / 1000, unit: 's' });

      // The whole state from seq 0, no snapshot: what a service without one does at start.
      const r0 = performance.now();
      const full = await rebuildProjection(log, identityProjection, { snapshotEvery: 0, ignoreSnapshot: true });
      const replaySeconds = (performance.now() - r0) / 1000;
      if (full.seq !== lastSeq) throw new AuditBenchError('replay', full.seq, `ended before the log's last seq ${lastSeq}`);
      report({ suite: SUITE, metric: 'audit_replay_events_per_s', value: full.replayed / replaySeconds, unit: 'events/s' });

      // State at a past point: a snapshot at a quarter of the log, the point at half.
      const snapshotSeq = Math.floor(lastSeq / 4);
      const atSeq = Math.floor(lastSeq / 2);
      const quarter = await rebuildProjection(log, identityProjection, { untilSeq: snapshotSeq, ignoreSnapshot: true });
      await saveSnapshot(log, identityProjection, quarter.state, quarter.seq);
      const runs: number[] = [];
      for (let run = 0; run < STATE_AT_TIME_RUNS; run++) {
        const a0 = performance.now();
        const at = await rebuildProjection(log, identityProjection, { untilSeq: atSeq });
        runs.push(performance.now() - a0);
        if (!at.fromSnapshot || at.seq !== atSeq) throw new AuditBenchError('state at a point', atSeq, `ended at seq ${at.seq}, from snapshot: ${at.fromSnapshot}`);
      }
      runs.sort((a, b) => a - b);
      report({ suite: SUITE, metric: 'audit_state_at_time_ms', value: quantile(runs, 0.5), unit: 'ms' });
    } finally {
      await log.close();
    }

    const source = openSqliteStoredEvents(file);
    try {
      const v0 = performance.now();
      const verified = await verifyLog(source);
      const verifySeconds = (performance.now() - v0) / 1000;
      if (!verified.ok) throw new AuditBenchError('verify', verified.problem?.seq ?? verified.lastSeq, `${verified.problem?.kind ?? 'failed'}: ${verified.problem?.detail ?? ''}`);
      report({ suite: SUITE, metric: 'audit_verify_events_per_s', value: verified.events / verifySeconds, unit: 'events/s' });
    } finally {
      await source.close();
    }
    report({ suite: SUITE, metric: 'rss_mib', value: rssMiB(), unit: 'MiB' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
