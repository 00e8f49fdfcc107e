import type { NetledgerEvent } from '@netledger/client';

type Cause = NetledgerEvent<'policy'>['cause'];

/**
 * One line per policy change: time, type, the policy, what it means (revision or verdict),
 * and why it happened. The switch on `type` narrows `data` to each event's schema.
 */
export function formatPolicyChange(e: NetledgerEvent<'policy'>): string {
  const d = e.data;
  const policy = `${d.kind} ${d.namespace === undefined ? d.name : `${d.namespace}/${d.name}`}`;
  let outcome: string;
  switch (e.type) {
    case 'PolicyAccepted':
      outcome = `in force from revision ${e.data.revision} (${e.data.rules.length} subject${e.data.rules.length === 1 ? '' : 's'})`;
      break;
    case 'PolicyRejected': {
      const first = e.data.errors[0]!;
      const more = e.data.errors.length > 1 ? ` (+${e.data.errors.length - 1} more)` : '';
      outcome = `rejected: ${first.field}: ${first.message}${more}`;
      break;
    }
    case 'PolicyDeleted':
      outcome = `gone from revision ${e.data.revision}`;
      break;
  }
  return `${e.time}  #${e.seq}  ${e.type.padEnd(14)}  ${policy}  ${outcome}  [${formatCause(e.cause)}]`;
}

function formatCause(cause: Cause): string {
  if (cause.kind === 'command') return `command "${cause.command}" by ${cause.actor}`;
  const where = cause.namespace === undefined ? cause.name : `${cause.namespace}/${cause.name}`;
  return `${cause.objectKind} ${where} resourceVersion ${cause.resourceVersion}`;
}
