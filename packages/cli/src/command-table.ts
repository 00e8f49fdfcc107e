import type { ParseArgsConfig } from 'node:util';
import type { DataDir } from '@netledger/runtime';

/** Flags every command accepts, wherever they stand on the line. */
export const GLOBAL_OPTIONS = {
  'data-dir': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  output: { type: 'string', short: 'o' },
} as const satisfies NonNullable<ParseArgsConfig['options']>;

export type OptionValues = Record<string, string | boolean | string[] | undefined>;

/** What a command gets: its parsed flags, its positional arguments and the data dir. */
export interface CommandInput {
  readonly values: OptionValues;
  readonly args: readonly string[];
  readonly dataDir: DataDir;
  /** The whole command line, for commands that re-run themselves (up --detach). */
  readonly argv: readonly string[];
}

/** One command: its words (`events tail`), its own flags, its help and what it runs. */
export interface CommandSpec {
  readonly words: readonly string[];
  readonly summary: string;
  readonly help: string;
  readonly options: NonNullable<ParseArgsConfig['options']>;
  run(input: CommandInput): Promise<number>;
}

export function str(values: OptionValues, name: string): string | undefined {
  const v = values[name];
  return typeof v === 'string' ? v : undefined;
}

export function bool(values: OptionValues, name: string): boolean {
  return values[name] === true;
}

export function list(values: OptionValues, name: string): string[] {
  const v = values[name];
  return Array.isArray(v) ? v : typeof v === 'string' ? [v] : [];
}
