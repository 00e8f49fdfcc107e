import type { Cause, EventEnvelope } from '@netledger/contracts';

export function describeCause(cause: Cause): string {
  if (cause.kind === 'command') return `command "${cause.command}" by ${cause.actor}`;
  const obj = cause.namespace ? `${cause.namespace}/${cause.name}` : cause.name;
  return `${cause.objectKind} ${obj} (uid ${cause.uid}, rv ${cause.resourceVersion})`;
}

/** One line per event for humans. */
export function eventLine(e: EventEnvelope): string {
  return `${String(e.seq).padStart(6)}  ${e.time}  ${e.service.padEnd(8)}  ${e.type.padEnd(18)}  ${e.stream}@v${e.version}  ${JSON.stringify(e.data)}  <- ${describeCause(e.cause)}`;
}
