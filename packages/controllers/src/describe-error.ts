import { KubeApiError } from '@netledger/k8s';

/** One line for logs and status: the server's message with its field causes, or the error's message. */
export function describeError(e: unknown): string {
  if (e instanceof KubeApiError) return e.causes.length > 0 ? `${e.message} (${e.causes.join('; ')})` : e.message;
  return e instanceof Error ? e.message : String(e);
}
