import { printJson, type OutputFormat } from '../output.js';

/**
 * Prints a bpf command's result: `json()` with -o json, else `text()`; to `print` when a test
 * captures it, else to stdout.
 */
export function printBpfResult(output: OutputFormat, json: () => unknown, text: () => string, print?: (text: string) => void): void {
  if (output === 'json') {
    if (print) print(JSON.stringify(json(), null, 2));
    else printJson(json());
  } else {
    (print ?? console.log)(text());
  }
}
