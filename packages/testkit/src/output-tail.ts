import type { Readable } from 'node:stream';

/** Keeps the last `limit` characters a child process printed, for error messages. */
export class OutputTail {
  private text = '';

  constructor(private readonly limit = 4000) {}

  /** Reads `stream` to its end (a child blocks if its pipe is never drained). */
  follow(stream: Readable | null): void {
    stream?.setEncoding('utf8');
    stream?.on('data', (chunk: string) => {
      this.text = (this.text + chunk).slice(-this.limit);
    });
  }

  toString(): string {
    return this.text.trimEnd();
  }
}
