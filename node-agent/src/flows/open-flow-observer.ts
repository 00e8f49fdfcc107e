import { openDatapathTelemetry } from '@netledger/datapath';
import { FlowObserver, type FlowObserverOptions } from './flow-observer.js';

/**
 * A flow observer on the datapath's flow ring pinned under `pinDir`; undefined, logged, when
 * the ring cannot be opened (the agent runs on without flows).
 */
export function openFlowObserver(pinDir: string, options: Omit<FlowObserverOptions, 'source'>): FlowObserver | undefined {
  try {
    return new FlowObserver({ ...options, source: openDatapathTelemetry(pinDir) });
  } catch (e) {
    options.logger.error(`flows: cannot open the flow ring in ${pinDir}: ${(e as Error).message}; no flows from this node`);
    return undefined;
  }
}
