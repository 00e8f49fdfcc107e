import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { PostgresNotInstalledError } from './postgres-errors.js';

/** Where Debian's postgresql packages put one directory per major version. */
const DEBIAN_ROOT = '/usr/lib/postgresql';

/** The two programs a throwaway server needs. */
export interface PostgresBinaries {
  readonly initdb: string;
  readonly postgres: string;
}

/**
 * Finds `initdb` and `postgres`: in `override` when given, else in the newest
 * `/usr/lib/postgresql/<major>/bin`. Throws PostgresNotInstalledError when they are missing.
 */
export function findPostgresBinaries(override?: string): PostgresBinaries {
  const candidates = override ? [override] : debianBinDirs();
  for (const dir of candidates) {
    const initdb = join(dir, 'initdb');
    const postgres = join(dir, 'postgres');
    if (existsSync(initdb) && existsSync(postgres)) return { initdb, postgres };
  }
  throw new PostgresNotInstalledError(candidates.length > 0 ? candidates : [join(DEBIAN_ROOT, '<version>', 'bin')]);
}

function debianBinDirs(): string[] {
  let versions: string[];
  try {
    versions = readdirSync(DEBIAN_ROOT).filter((v) => /^\d+(\.\d+)?$/.test(v));
  } catch {
    return [];
  }
  return versions.sort((a, b) => Number(b) - Number(a)).map((v) => join(DEBIAN_ROOT, v, 'bin'));
}
