import type { JsonDiff } from './json-diff.js';

/** `+ path: value`, `- path: value`, `~ path: from -> to`, one line each, indented by `indent`. */
export function formatDiff(diff: JsonDiff, indent = '    '): string[] {
  const show = (v: unknown): string => JSON.stringify(v);
  return [
    ...Object.entries(diff.added).map(([path, v]) => `${indent}+ ${path}: ${show(v)}`),
    ...Object.entries(diff.removed).map(([path, v]) => `${indent}- ${path}: ${show(v)}`),
    ...Object.entries(diff.changed).map(([path, c]) => `${indent}~ ${path}: ${show(c.from)} -> ${show(c.to)}`),
  ];
}
