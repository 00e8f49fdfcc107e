/** What a relay knows about its stream and its log before it publishes. */
export interface ReconcileFacts {
  readonly streamLastSeq: number;
  /** `Nats-Msg-Id` stored at streamLastSeq; undefined when no message is stored there (purged, deleted, empty). */
  readonly streamLastMsgId: string | undefined;
  readonly logLastSeq: number;
  /** Log seq up to which outbox rows are acknowledged (published). */
  readonly logPublishedSeq: number;
  /** Id of the log's event at streamLastSeq; undefined when the log has none there. */
  readonly logIdAtStreamLast: string | undefined;
}

export type ReconcilePlan =
  /** The stream is exactly where the outbox says: publish from the outbox. */
  | { readonly kind: 'in-line' }
  /** A relay published up to `upToSeq` but died before acknowledging the outbox rows. */
  | { readonly kind: 'ack-published'; readonly upToSeq: number }
  /** The stream lost events the log already published (store wiped or truncated). */
  | { readonly kind: 'republish'; readonly fromSeq: number; readonly toSeq: number }
  /** The stream holds another history: publishing would interleave two. */
  | { readonly kind: 'diverged'; readonly reason: string };

/** Decides how to bring a stream in line with its log. Pure, so each case is tested without servers. */
export function planReconcile(f: ReconcileFacts): ReconcilePlan {
  if (f.streamLastSeq > f.logLastSeq) {
    return {
      kind: 'diverged',
      reason: `the stream is ahead of the log (another writer publishes to it, or the log was replaced); refusing to publish`,
    };
  }
  // Where the stream still holds its last message, it must be the log's event at that seq.
  if (f.streamLastSeq > 0 && f.streamLastMsgId !== undefined && f.streamLastMsgId !== f.logIdAtStreamLast) {
    return {
      kind: 'diverged',
      reason:
        `stream seq ${f.streamLastSeq} holds message id ${f.streamLastMsgId || '(none)'} but the log has ` +
        `${f.logIdAtStreamLast ? `event ${f.logIdAtStreamLast}` : 'no event'} there; refusing to publish`,
    };
  }
  if (f.streamLastSeq > f.logPublishedSeq) return { kind: 'ack-published', upToSeq: f.streamLastSeq };
  if (f.streamLastSeq < f.logPublishedSeq) return { kind: 'republish', fromSeq: f.streamLastSeq + 1, toSeq: f.logPublishedSeq };
  return { kind: 'in-line' };
}
