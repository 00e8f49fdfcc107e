import { sql, type Transaction } from 'kysely';
import type { RetentionMarker } from '../event-log.js';
import { RetentionError } from '../errors.js';
import type { EventLogDatabase, RetentionTable } from './schema.js';

export interface PruneRequest {
  readonly location: string;
  readonly beforeSeq: number;
  readonly reason: string;
  readonly now: string;
}

/**
 * Removes the events before `beforeSeq` inside the caller's transaction, after taking the log's
 * write lock (the head row, as appends do) so no append, ack or snapshot moves meanwhile.
 * Refuses when a snapshot would still need a removed event, when no snapshot exists at all
 * (then the state they made would be gone), or when removed events were not published yet.
 */
export async function pruneLog(trx: Transaction<EventLogDatabase>, r: PruneRequest): Promise<RetentionMarker> {
  const through = r.beforeSeq - 1;
  const refuse = (reason: string) => new RetentionError(r.location, r.beforeSeq, reason);
  const head = await trx.updateTable('log_head').set({ last_seq: sql`last_seq` }).where('id', '=', 1).returning('last_seq').executeTakeFirstOrThrow();
  const current = await latestMarker(trx);
  if (current && through <= current.throughSeq) return current;
  if (through > Number(head.last_seq)) throw refuse(`the log ends at seq ${Number(head.last_seq)}`);
  const published = await trx.selectFrom('outbox_position').select('published_seq').where('id', '=', 1).executeTakeFirstOrThrow();
  if (through > Number(published.published_seq)) {
    throw refuse(`events after seq ${Number(published.published_seq)} are not published yet (the relay has not sent them)`);
  }
  const snapshots = await trx.selectFrom('snapshots').select(['name', 'seq']).execute();
  if (snapshots.length === 0) throw refuse('there is no snapshot: the state those events made would be lost');
  const behind = snapshots.filter((s) => Number(s.seq) < through);
  if (behind.length > 0) {
    const names = behind.map((s) => `${s.name} (at seq ${Number(s.seq)})`).join(', ');
    throw refuse(`snapshot ${names} is before seq ${through} and still needs the events after it`);
  }
  const last = await trx.selectFrom('events').select('hash').where('seq', '=', through).executeTakeFirst();
  if (!last) throw refuse(`event ${through} is not stored: the log is damaged (run audit verify)`);
  await trx.deleteFrom('events').where('seq', '<=', through).execute();
  const marker: RetentionTable = { through_seq: through, through_hash: last.hash, time: r.now, reason: r.reason };
  await trx.insertInto('retention').values(marker).execute();
  return toMarker(marker);
}

/** The log's retention marker: the latest prune, if any. */
export async function latestMarker(db: Pick<Transaction<EventLogDatabase>, 'selectFrom'>): Promise<RetentionMarker | undefined> {
  const row = await db.selectFrom('retention').selectAll().orderBy('through_seq', 'desc').limit(1).executeTakeFirst();
  return row ? toMarker(row) : undefined;
}

function toMarker(r: RetentionTable): RetentionMarker {
  return { throughSeq: Number(r.through_seq), throughHash: r.through_hash, time: r.time, reason: r.reason };
}
