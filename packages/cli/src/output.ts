import { formatColumns } from '@netledger/datapath';
/** Output format chosen with -o. */
export type OutputFormat = 'text' | 'json';

export function parseOutput(value: string | undefined, allowed: readonly string[] = ['json']): OutputFormat {
  if (value === undefined || value === 'text' || value === 'wide') return 'text';
  if (allowed.includes(value)) return value as OutputFormat;
  throw new TypeError(`-o ${value}: expected one of ${['text', ...allowed].join(', ')}`);
}

/** Aligned columns, like kubectl and cilium print them (the same layout as the `bpf` dumps). */
export const table: (header: readonly string[], rows: ReadonlyArray<readonly string[]>) => string = formatColumns;

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}
