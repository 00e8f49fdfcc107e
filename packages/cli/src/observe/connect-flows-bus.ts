import { connect as tcpConnect } from 'node:net';
import { existsSync } from 'node:fs';
import { connectBus, readNatsCredentials, type NatsConnection } from '@netledger/bus';
import type { NatsCredentials } from '@netledger/contracts';
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
export async function connectFlowsBus(natsUrl: string, credentials: NatsCredentials | undefined, timeoutMs = 3000): Promise<NatsConnection> {
  let url: URL;
  try {
    url = new URL(natsUrl);
  } catch {
    throw new CliError(`NATS URL ${natsUrl}: not a URL (expected nats://host:port)`);
  }
  if (!(await reachable(url, timeoutMs))) throw new CliError(`NATS at ${natsUrl} does not answer: is the stack running? (netledger status)`);
  return connectBus({ servers: natsUrl, name: 'netledger-observe', credentials });
}

/**
 * The credentials the CLI reads flows with: the file given, else the stack's observer file when
 * the stack wrote one (`netledger up` does), else none (a server without authorization).
 */
export function flowsCredentials(file: string | undefined, stackObserverFile: string): NatsCredentials | undefined {
  const chosen = file ?? (existsSync(stackObserverFile) ? stackObserverFile : undefined);
  if (chosen === undefined) return undefined;
  try {
    return readNatsCredentials(chosen);
  } catch (e) {
    throw new CliError((e as Error).message);
  }
}
