import { JetStreamApiCodes, JetStreamApiError, type JetStreamManager } from '@nats-io/jetstream';

/** Which sequences a stream currently holds. */
export interface StreamBounds {
  readonly firstSeq: number;
  readonly lastSeq: number;
  readonly messages: number;
}

/** The stream's bounds, or undefined when the stream does not exist. */
export async function streamBounds(jsm: JetStreamManager, stream: string): Promise<StreamBounds | undefined> {
  try {
    const info = await jsm.streams.info(stream);
    return { firstSeq: info.state.first_seq, lastSeq: info.state.last_seq, messages: info.state.messages };
  } catch (e) {
    if (isJetStreamApiError(e, JetStreamApiCodes.StreamNotFound)) return undefined;
    throw e;
  }
}

/**
 * The `Nats-Msg-Id` of the message stored at `seq`: undefined when no message is stored there
 * (never written, purged or deleted), '' when it has no id.
 */
export async function storedMessageId(jsm: JetStreamManager, stream: string, seq: number): Promise<string | undefined> {
  try {
    const msg = await jsm.streams.getMessage(stream, { seq });
    if (!msg) return undefined;
    return msg.header.get('Nats-Msg-Id');
  } catch (e) {
    if (isJetStreamApiError(e, JetStreamApiCodes.NoMessageFound)) return undefined;
    throw e;
  }
}

export function isJetStreamApiError(e: unknown, code: number): boolean {
  return e instanceof JetStreamApiError && e.code === code;
}
