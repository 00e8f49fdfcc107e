import { DEFAULT_CNI_VERSION, isSupportedCniVersion, SUPPORTED_CNI_VERSIONS } from '../cni-version.js';

/** The VERSION answer. */
export interface CniVersionInfo {
  readonly cniVersion: string;
  readonly supportedVersions: readonly string[];
}

/**
 * VERSION: the supported versions, answered in the version the caller's stdin names when it is
 * one of them (1.0 runtimes send `{"cniVersion": ...}`), else in 1.0.0. Never fails.
 */
export function cniVersionInfo(stdin: string): CniVersionInfo {
  return { cniVersion: requestedVersion(stdin) ?? DEFAULT_CNI_VERSION, supportedVersions: SUPPORTED_CNI_VERSIONS };
}

/** The supported cniVersion named in a JSON text, if any (also used to answer errors in the caller's version). */
export function requestedVersion(text: string): string | undefined {
  try {
    const v = (JSON.parse(text) as { cniVersion?: unknown } | null)?.cniVersion;
    return isSupportedCniVersion(v) ? v : undefined;
  } catch {
    return undefined;
  }
}
