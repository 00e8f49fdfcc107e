import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ManifestError } from './kube-errors.js';
import { parseManifests, type Manifest } from './parse-manifests.js';

const MANIFEST_FILE = /\.(ya?ml|json)$/i;

/**
 * Reads manifests from files and directories (a directory's *.yaml, *.yml and *.json files in
 * name order, not recursive; `-` is standard input). Every file is parsed before anything is
 * returned, so a bad file anywhere means no object at all.
 */
export function readManifests(paths: readonly string[]): Manifest[] {
  const manifests: Manifest[] = [];
  for (const path of paths) {
    for (const file of manifestFiles(path)) manifests.push(...parseManifests(readText(file), file === '-' ? 'stdin' : file));
  }
  return manifests;
}

function manifestFiles(path: string): string[] {
  if (path === '-') return ['-'];
  let isDirectory: boolean;
  try {
    isDirectory = statSync(path).isDirectory();
  } catch (cause) {
    throw new ManifestError(path, {}, describeFsError(cause), { cause });
  }
  if (!isDirectory) return [path];
  const files = readdirSync(path, { withFileTypes: true })
    .filter((e) => e.isFile() && MANIFEST_FILE.test(e.name))
    .map((e) => e.name)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .map((name) => join(path, name));
  if (files.length === 0) throw new ManifestError(path, {}, 'directory has no *.yaml, *.yml or *.json files');
  return files;
}

function readText(file: string): string {
  try {
    return readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (cause) {
    throw new ManifestError(file, {}, describeFsError(cause), { cause });
  }
}

function describeFsError(cause: unknown): string {
  const code = (cause as { code?: unknown }).code;
  if (code === 'ENOENT') return 'no such file or directory';
  if (code === 'EACCES') return 'permission denied';
  return (cause as Error).message;
}
