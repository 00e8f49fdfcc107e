import { randomBytes } from 'node:crypto';

// Crockford base32, as in ULID: ids sort lexically in creation order, which makes
// them usable as NATS message ids and as a cheap "roughly when" for humans.
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const TIME_CHARS = 10;
const RANDOM_CHARS = 16;

/**
 * Creates ULID-style event ids (26 characters: 48-bit millisecond time + 80 random bits).
 * Within one millisecond the random part is incremented, so ids from one generator are
 * strictly increasing even when the clock stands still or steps back.
 */
export class EventIdGenerator {
  private lastTime = -1;
  private lastRandom: number[] = [];

  constructor(private readonly now: () => number = Date.now) {}

  next(): string {
    let time = this.now();
    if (time <= this.lastTime) {
      time = this.lastTime;
      this.lastRandom = increment(this.lastRandom);
    } else {
      this.lastTime = time;
      this.lastRandom = freshRandom();
    }
    return encodeTime(time) + this.lastRandom.map((d) => ALPHABET[d]).join('');
  }
}

const defaultGenerator = new EventIdGenerator();

/** A new, unique, sortable event id from the process-wide generator. */
export function newEventId(): string {
  return defaultGenerator.next();
}

/** The millisecond timestamp encoded in an event id. */
export function eventIdTime(id: string): number {
  let t = 0;
  for (const ch of id.slice(0, TIME_CHARS)) {
    const v = ALPHABET.indexOf(ch);
    if (v < 0) throw new RangeError(`event id ${id} is not a ULID`);
    t = t * 32 + v;
  }
  return t;
}

const EVENT_ID = /^[0-9A-HJKMNP-TV-Z]{26}$/;
export function isEventId(s: string): boolean {
  return EVENT_ID.test(s);
}

function encodeTime(time: number): string {
  let out = '';
  let t = time;
  for (let i = 0; i < TIME_CHARS; i++) {
    out = ALPHABET[t % 32] + out;
    t = Math.floor(t / 32);
  }
  return out;
}

function freshRandom(): number[] {
  const bytes = randomBytes(RANDOM_CHARS);
  // The top digit keeps one bit clear so increments within a millisecond cannot overflow.
  return Array.from(bytes, (b, i) => (i === 0 ? b & 15 : b & 31));
}

function increment(digits: number[]): number[] {
  const out = digits.slice();
  for (let i = out.length - 1; i >= 0; i--) {
    const d = out[i]!;
    if (d < 31) {
      out[i] = d + 1;
      return out;
    }
    out[i] = 0;
  }
  throw new RangeError('event id random part overflowed within one millisecond');
}
