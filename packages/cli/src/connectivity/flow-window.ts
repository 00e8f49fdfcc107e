import { openDatapathTelemetry, type DatapathTelemetry, type FlowRecord } from '@netledger/datapath';

/** What the datapath said about one connection attempt. */
export interface DatapathVerdict {
  readonly verdict: 'FORWARDED' | 'DROPPED';
  readonly reason: string | undefined;
  readonly ruleId: number;
  readonly observation: FlowRecord['observation'];
}

/**
 * The flow records written while one probe ran: opened before the attempt (remembering the
 * newest record), read after it. Reading needs the node's pinned maps, so on a machine
 * without them every lookup answers undefined and the probe reports only what it saw.
 */
export class FlowWindow {
  readonly #telemetry: DatapathTelemetry | undefined;
  readonly #after: bigint;

  private constructor(telemetry: DatapathTelemetry | undefined, after: bigint) {
    this.#telemetry = telemetry;
    this.#after = after;
  }

  static open(pinDir: string | undefined): FlowWindow {
    if (!pinDir) return new FlowWindow(undefined, 0n);
    try {
      const telemetry = openDatapathTelemetry(pinDir);
      // The ring's head seq is one map lookup; reading the ring to find it was 8,192.
      return new FlowWindow(telemetry, telemetry.headSeq());
    } catch {
      return new FlowWindow(undefined, 0n);
    }
  }

  /** The datapath's decision on `src -> dst:port` (the frontend or the translated backend), drops first. */
  verdictFor(srcIp: string | undefined, dstIp: string, dstPort: number): DatapathVerdict | undefined {
    if (!this.#telemetry) return undefined;
    let flows: FlowRecord[];
    try {
      flows = this.#telemetry.readFlows(this.#after);
    } catch {
      return undefined;
    }
    const matches = flows.filter(
      (f) =>
        !f.isReply &&
        (srcIp === undefined || f.srcIp === srcIp) &&
        ((f.dstIp === dstIp && f.dstPort === dstPort) || (f.serviceIp === dstIp && f.servicePort === dstPort)),
    );
    const chosen = matches.find((f) => f.verdict === 'DROPPED') ?? matches.at(-1);
    return chosen && { verdict: chosen.verdict, reason: chosen.dropReason, ruleId: chosen.ruleId, observation: chosen.observation };
  }

  close(): void {
    this.#telemetry?.close();
  }
}
