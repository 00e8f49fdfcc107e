import type { ServerResponse } from 'node:http';
import { matchesFlowFilter, type Flow, type FlowFilter } from '@netledger/node-agent';
import type { FlowSource } from '../flows/flow-source.js';

// A browser that cannot keep up loses flows rather than growing the server's memory.
const MAX_BUFFERED_BYTES = 1 << 20;
// Comments keep proxies and the browser from closing an idle stream.
const HEARTBEAT_MS = 15_000;

/**
 * Streams live flows that pass `filter` to one browser as server-sent events (`data: <flow
 * JSON>`). When the browser falls behind, flows are skipped and it is told how many with an
 * `event: dropped` once it caught up.
 */
export function streamFlows(res: ServerResponse, source: FlowSource, filter: FlowFilter): () => void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
  res.write(': netledger flows\n\n');
  let dropped = 0;
  const onFlow = (flow: Flow): void => {
    if (!matchesFlowFilter(flow, filter)) return;
    if (res.writableLength > MAX_BUFFERED_BYTES) {
      dropped += 1;
      return;
    }
    if (dropped > 0) {
      res.write(`event: dropped\ndata: ${JSON.stringify({ dropped })}\n\n`);
      dropped = 0;
    }
    res.write(`data: ${JSON.stringify(flow)}\n\n`);
  };
  const unfollow = source.follow((flow) => {
    try {
      onFlow(flow);
    } catch {
      // A malformed flow (missing fields the filter reads) is not shown; the stream goes on.
    }
  });
  const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), HEARTBEAT_MS);
  heartbeat.unref();
  const stop = (): void => {
    clearInterval(heartbeat);
    unfollow();
  };
  res.once('close', stop);
  return stop;
}
