import { readFileSync } from 'node:fs';
import { NatsCredentialsError, parseNatsCredentials, type NatsCredentials } from '@netledger/contracts';

/** Reads a credentials file; a missing or unreadable file is a NatsCredentialsError naming it. */
export function readNatsCredentials(file: string): NatsCredentials {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new NatsCredentialsError(file, '', `cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  return parseNatsCredentials(text, file);
}
