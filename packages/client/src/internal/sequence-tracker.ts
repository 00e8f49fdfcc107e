/** What to do with a delivered event, given what was handled before. */
export type Placement =
  /** The next event: hand it on (or filter it out). */
  | { readonly kind: 'next' }
  /** Handled before (a redelivery after a reconnect or a rewind): drop it. */
  | { readonly kind: 'duplicate' }
  /** Events are missing before it: deliver again from `fromStreamSeq`, they may still come. */
  | { readonly kind: 'redeliver'; readonly fromStreamSeq: number }
  /** Redelivery brought the same jump: the stream lacks `fromSeq..toSeq`. Hand this one on. */
  | { readonly kind: 'missing'; readonly fromSeq: number; readonly toSeq: number };

/**
 * One service's position in its stream, as pure state (no I/O, so each rule is tested without
 * a server). Two numbers: `cursor`, the log seq of the last event handled (delivered, filtered
 * out or skipped as malformed), which is the position a caller can resume after; and the stream
 * seq of the last message handled, where delivery resumes. netledger's relay publishes log seq N
 * as stream seq N, so they agree; they are kept apart so a stray message cannot confuse them.
 *
 * When the server filters the stream (`contiguous` false) the seqs between two delivered
 * events are legitimately absent, so no gap can be seen by seq; the ordered consumer's own
 * delivery-sequence check covers that case.
 */
export class SequenceTracker {
  private cursorSeq: number | undefined;
  private streamPos: number;
  /** The gap that caused the last redelivery, to notice when redelivery cannot fill it. */
  private lastGap: { readonly streamSeq: number; readonly cursor: number } | undefined;

  /** `cursor` undefined: not known yet (a start by time); the first message sets it. */
  constructor(
    cursor: number | undefined,
    private readonly contiguous: boolean,
  ) {
    this.cursorSeq = cursor;
    this.streamPos = cursor ?? 0;
  }

  /** Log seq up to which events were handled; undefined until known. */
  get cursor(): number | undefined {
    return this.cursorSeq;
  }

  /** Stream seq to deliver from after an interruption; undefined while the start is still a time. */
  get resumeAt(): number | undefined {
    return this.cursorSeq === undefined ? undefined : this.streamPos + 1;
  }

  /** Sets the cursor when it was not known yet (the server resolved a start time to a seq). */
  startsAfter(seq: number): void {
    if (this.cursorSeq !== undefined) return;
    this.cursorSeq = seq;
    this.streamPos = seq;
  }

  place(streamSeq: number, eventSeq: number): Placement {
    if (this.cursorSeq === undefined) this.startsAfter(Math.min(streamSeq, eventSeq) - 1);
    const cursor = this.cursorSeq!;
    if (streamSeq <= this.streamPos) return { kind: 'duplicate' };
    if (eventSeq <= cursor) {
      this.streamPos = streamSeq;
      return { kind: 'duplicate' };
    }
    if (!this.contiguous || eventSeq === cursor + 1) {
      this.accept(streamSeq, eventSeq);
      return { kind: 'next' };
    }
    const sameAgain = this.lastGap?.streamSeq === streamSeq && this.lastGap.cursor === cursor;
    if (sameAgain) {
      this.accept(streamSeq, eventSeq);
      return { kind: 'missing', fromSeq: cursor + 1, toSeq: eventSeq - 1 };
    }
    this.lastGap = { streamSeq, cursor };
    this.streamPos = Math.min(this.streamPos, cursor);
    return { kind: 'redeliver', fromStreamSeq: cursor + 1 };
  }

  /**
   * A message that is not a valid event. Returns false when it was handled before (do not
   * report it twice). When it sits where the next event belongs, the cursor steps past it, so
   * it does not look like a gap.
   */
  skipMalformed(streamSeq: number): boolean {
    if (this.cursorSeq === undefined) this.startsAfter(streamSeq - 1);
    if (streamSeq <= this.streamPos) return false;
    if (!this.contiguous || streamSeq === this.cursorSeq! + 1) this.cursorSeq = Math.max(this.cursorSeq!, streamSeq);
    this.streamPos = streamSeq;
    return true;
  }

  private accept(streamSeq: number, eventSeq: number): void {
    this.cursorSeq = eventSeq;
    this.streamPos = streamSeq;
    this.lastGap = undefined;
  }
}
