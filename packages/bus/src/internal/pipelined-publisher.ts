import { JetStreamApiError, type ApiError } from '@nats-io/jetstream';
import { headers, type Msg, type NatsConnection } from '@nats-io/transport-node';
import { replyInbox } from '../reply-inbox.js';

/** One message for a JetStream stream, with the checks the server must make before storing it. */
export interface PipelinedMessage {
  readonly subject: string;
  readonly payload: string;
  /** Sent as `Nats-Msg-Id`: the server drops a message whose id it saw within the duplicate window. */
  readonly msgId: string;
  /** Sent as `Nats-Expected-Last-Sequence`: the server stores the message only if the stream ends there. */
  readonly expectedLastSeq: number;
}

/** The server's answer for one message. */
export type PipelinedResult = { readonly ok: true; readonly seq: number; readonly duplicate: boolean } | { readonly ok: false; readonly error: Error };

interface PubAckBody {
  readonly stream?: string;
  readonly seq?: number;
  readonly duplicate?: boolean;
  readonly error?: ApiError;
}

/**
 * Publishes a batch to JetStream with every message in flight at once, and collects the
 * acknowledgements on one inbox subscription. The client's own `js.publish` makes a request
 * (with its own timer and bookkeeping) per message, which on a small machine caps a relay
 * far below what the server can store; here the cost per message is one PUB.
 *
 * Only every `ackEvery`-th message and the last one ask for an acknowledgement. That is enough
 * because each message carries the stream's expected last sequence: the server stores message
 * k only if k-1 is already there, so an acknowledged seq proves every earlier message of the
 * batch was stored, in order. Messages between checkpoints take their checkpoint's outcome
 * (on a failure the caller retries with `ackEvery` 1 to learn exactly which message it was).
 * Results are in the order of `messages`; a checkpoint without an answer within `timeoutMs`
 * gets a timeout error.
 */
export async function publishPipelined(
  nc: NatsConnection,
  messages: readonly PipelinedMessage[],
  timeoutMs: number,
  ackEvery = 1,
): Promise<PipelinedResult[]> {
  const results: Array<PipelinedResult | undefined> = new Array(messages.length);
  if (messages.length === 0) return [];
  const inbox = replyInbox(nc, 'relay');
  const last = messages.length - 1;
  const isCheckpoint = (i: number): boolean => i === last || (i + 1) % ackEvery === 0;
  let pending = 0;
  for (let i = 0; i <= last; i++) if (isCheckpoint(i)) pending += 1;
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));
  const sub = nc.subscribe(`${inbox}.*`, {
    callback: (err, msg) => {
      if (err) {
        finish();
        return;
      }
      const index = Number(msg.subject.slice(inbox.length + 1));
      if (!Number.isInteger(index) || index < 0 || index > last || !isCheckpoint(index) || results[index]) return;
      results[index] = parseAck(msg);
      pending -= 1;
      if (pending === 0) finish();
    },
  });
  let timer: NodeJS.Timeout | undefined;
  try {
    for (const [i, m] of messages.entries()) {
      const h = headers();
      h.set('Nats-Msg-Id', m.msgId);
      h.set('Nats-Expected-Last-Sequence', String(m.expectedLastSeq));
      // Throws for a payload over the server's max_payload: the caller reports it and retries.
      nc.publish(m.subject, m.payload, isCheckpoint(i) ? { reply: `${inbox}.${i}`, headers: h } : { headers: h });
    }
    timer = setTimeout(finish, timeoutMs);
    await done;
  } finally {
    clearTimeout(timer);
    sub.unsubscribe();
  }
  const timedOut: PipelinedResult = { ok: false, error: new Error(`no acknowledgement from JetStream within ${timeoutMs} ms`) };
  // Walk back from the end so each message between checkpoints sees the outcome of the next one.
  let next: PipelinedResult = timedOut;
  for (let i = last; i >= 0; i--) {
    if (isCheckpoint(i)) {
      next = results[i] ?? timedOut;
      const m = messages[i]!;
      // A checkpoint stored anywhere but right after its expected last seq proves nothing about
      // the messages before it.
      if (next.ok && next.seq !== m.expectedLastSeq + 1) next = { ok: false, error: new Error(`stored at seq ${next.seq}, expected ${m.expectedLastSeq + 1}`) };
      results[i] = results[i] ?? timedOut;
    } else {
      results[i] = next.ok ? { ok: true, seq: messages[i]!.expectedLastSeq + 1, duplicate: false } : next;
    }
  }
  return results as PipelinedResult[];
}

function parseAck(msg: Msg): PipelinedResult {
  // A status-only reply: 503 means no stream listens on the subject (or JetStream is down).
  if (msg.headers?.hasError) {
    const { code, description } = msg.headers;
    const reason = code === 503 ? 'no JetStream stream answered (503 no responders)' : `${code} ${description}`;
    return { ok: false, error: new Error(reason) };
  }
  let body: PubAckBody;
  try {
    body = msg.json<PubAckBody>();
  } catch (cause) {
    return { ok: false, error: new Error(`unreadable JetStream acknowledgement: ${msg.string()}`, { cause }) };
  }
  if (body.error) return { ok: false, error: new JetStreamApiError(body.error) };
  if (typeof body.seq !== 'number' || !body.stream) {
    return { ok: false, error: new Error(`JetStream acknowledgement without stream and seq: ${msg.string()}`) };
  }
  return { ok: true, seq: body.seq, duplicate: body.duplicate === true };
}
