import { CNI_ERROR_CODES, CniError } from './cni-error.js';

/** The CNI spec versions this plugin speaks, oldest first. */
export const SUPPORTED_CNI_VERSIONS = ['0.3.0', '0.3.1', '0.4.0', '1.0.0'] as const;
export type CniVersion = (typeof SUPPORTED_CNI_VERSIONS)[number];

/** The version the plugin answers in when the caller named none it supports. */
export const DEFAULT_CNI_VERSION: CniVersion = '1.0.0';

export function isSupportedCniVersion(v: unknown): v is CniVersion {
  return typeof v === 'string' && (SUPPORTED_CNI_VERSIONS as readonly string[]).includes(v);
}

/** `cniVersion` of a config, checked against the supported list (code 1 otherwise). */
export function requireSupportedVersion(v: unknown): CniVersion {
  if (isSupportedCniVersion(v)) return v;
  throw new CniError(
    CNI_ERROR_CODES.INCOMPATIBLE_VERSION,
    `incompatible CNI versions: config is ${JSON.stringify(v)}, plugin supports ${JSON.stringify(SUPPORTED_CNI_VERSIONS)}`,
  );
}

/** Whether `v` is at least `min` (both supported versions). */
export function cniVersionAtLeast(v: CniVersion, min: CniVersion): boolean {
  return SUPPORTED_CNI_VERSIONS.indexOf(v) >= SUPPORTED_CNI_VERSIONS.indexOf(min);
}
