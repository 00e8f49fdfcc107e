/** Output format chosen with -o. */
export type OutputFormat = 'text' | 'json';

export function parseOutput(value: string | undefined, allowed: readonly string[] = ['json']): OutputFormat {
  if (value === undefined || value === 'text' || value === 'wide') return 'text';
  if (allowed.includes(value)) return value as OutputFormat;
  throw new TypeError(`-o ${value}: expected one of ${['text', ...allowed].join(', ')}`);
}

/** Aligned columns, like kubectl and cilium print them. */
export function table(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!)))
      .join('   ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}
