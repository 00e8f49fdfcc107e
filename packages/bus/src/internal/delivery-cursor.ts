/** Where a delivered event fits against the cursor. */
export type Placement = 'duplicate' | 'next' | 'gap';

/** How to get past events missing before a delivered one. */
export type GapPlan =
  /** Deliver again from `fromStreamSeq`: the missing events may still come. */
  | { readonly kind: 'redeliver'; readonly fromStreamSeq: number }
  /** The stream no longer holds them: reset the handler and replay from the stream's first message. */
  | { readonly kind: 'rebuild'; readonly fromStreamSeq: number }
  /** Redelivery brought the same jump: the stream itself lacks them; apply the event and go on. */
  | { readonly kind: 'step-over' };

/**
 * The consumer's position in a service's event sequence, as pure state: no I/O, so every
 * rule below is tested without a server. Two numbers are tracked because they differ when
 * the stream holds something other than one relay-published event per sequence:
 * `cursor` is the log seq of the last event applied (what is persisted), `position` the
 * stream seq of the last message handled in any way (where delivery resumes).
 */
export class DeliveryCursor {
  private cursorSeq: number;
  private positionSeq: number;
  /** After a rebuild the next valid event is taken as the new beginning, whatever its seq. */
  private bootstrapping = false;
  /** The gap that caused the last redelivery, to notice when redelivery cannot fill it. */
  private lastGap: { readonly streamSeq: number; readonly cursor: number } | undefined;

  constructor(cursor: number) {
    this.cursorSeq = cursor;
    this.positionSeq = cursor;
  }

  get cursor(): number {
    return this.cursorSeq;
  }

  /** Stream seq up to which messages were handled (applied, dropped or skipped). */
  get handledUpTo(): number {
    return Math.max(this.cursorSeq, this.positionSeq);
  }

  /** Stream seq to resume delivery at after an interruption. */
  get resumeAt(): number {
    return this.positionSeq + 1;
  }

  /** An unreadable message: when it sits exactly where the next event belongs, the cursor steps past it. */
  skipMalformed(streamSeq: number): void {
    if (!this.bootstrapping && streamSeq === this.cursorSeq + 1) this.cursorSeq = streamSeq;
    this.positionSeq = Math.max(this.positionSeq, streamSeq);
  }

  /** Classifies an event; a duplicate is consumed here, 'next' and 'gap' are up to the caller. */
  place(streamSeq: number, eventSeq: number): Placement {
    if (this.bootstrapping) {
      this.bootstrapping = false;
      this.cursorSeq = eventSeq - 1;
    }
    if (eventSeq <= this.cursorSeq) {
      this.positionSeq = Math.max(this.positionSeq, streamSeq);
      return 'duplicate';
    }
    return eventSeq === this.cursorSeq + 1 ? 'next' : 'gap';
  }

  /**
   * Decides how to recover from a gap before the event at `streamSeq`. `streamFirstSeq` is the
   * first seq the stream still holds (undefined if unknown). Returns whether this is a new gap
   * or the same one seen again after a redelivery.
   */
  planGap(streamSeq: number, streamFirstSeq: number | undefined): { readonly plan: GapPlan; readonly newGap: boolean } {
    const want = this.cursorSeq + 1;
    const sameAgain = this.lastGap?.streamSeq === streamSeq && this.lastGap.cursor === this.cursorSeq;
    if (streamFirstSeq !== undefined && want < streamFirstSeq) {
      return { plan: { kind: 'rebuild', fromStreamSeq: streamFirstSeq }, newGap: !sameAgain };
    }
    if (sameAgain) {
      this.lastGap = undefined;
      return { plan: { kind: 'step-over' }, newGap: false };
    }
    this.lastGap = { streamSeq, cursor: this.cursorSeq };
    return { plan: { kind: 'redeliver', fromStreamSeq: want }, newGap: true };
  }

  /** After the handler was reset: start over at the stream's first message. */
  rebuilt(fromStreamSeq: number): void {
    this.cursorSeq = 0;
    this.positionSeq = fromStreamSeq - 1;
    this.bootstrapping = true;
    this.lastGap = undefined;
  }

  /** Rewinds delivery to `streamSeq` (the cursor stays). */
  redeliverFrom(streamSeq: number): void {
    this.positionSeq = Math.min(this.positionSeq, streamSeq - 1);
  }

  /** The event was applied. */
  applied(streamSeq: number, eventSeq: number): void {
    this.cursorSeq = eventSeq;
    this.positionSeq = Math.max(this.positionSeq, streamSeq);
    this.lastGap = undefined;
  }
}
