import { connect as tcpConnect } from 'node:net';
import { connectBus, type NatsConnection } from '@netledger/bus';
import { CliError } from '../cli-error.js';

/** Whether something accepts TCP connections at a `nats://host:port` URL. */
function reachable(url: URL, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = tcpConnect({ host: url.hostname, port: Number(url.port || 4222) });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/**
 * Connects the CLI to the stack's NATS. The bus client waits for a server forever (right for
 * the services), so the port is tried first: a stack that is down is an error at once.
 */
export async function connectFlowsBus(natsUrl: string, timeoutMs = 3000): Promise<NatsConnection> {
  let url: URL;
  try {
    url = new URL(natsUrl);
  } catch {
    throw new CliError(`NATS URL ${natsUrl}: not a URL (expected nats://host:port)`);
  }
  if (!(await reachable(url, timeoutMs))) throw new CliError(`NATS at ${natsUrl} does not answer: is the stack running? (netledger status)`);
  return connectBus({ servers: natsUrl, name: 'netledger-observe' });
}
