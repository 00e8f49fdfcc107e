import { fileURLToPath } from 'node:url';

/** HTTP on every TCP container port, UDP echo on every UDP one. */
export const ECHO_IMAGE = 'netledger/echo';
/** Idles; probes run inside its network namespace. */
export const PROBE_IMAGE = 'netledger/probe';

/** The built-in images and the script each runs (plain JavaScript: no tsx, fast start). */
export const IMAGE_SCRIPTS: Readonly<Record<string, string>> = Object.freeze({
  [ECHO_IMAGE]: fileURLToPath(new URL('./images/echo.mjs', import.meta.url)),
  [PROBE_IMAGE]: fileURLToPath(new URL('./images/probe.mjs', import.meta.url)),
});

/** One connection attempt, printed as a JSON line (what `probe` runs). */
export const PROBE_CLIENT_SCRIPT = fileURLToPath(new URL('./images/probe-client.mjs', import.meta.url));

/**
 * The script of a built-in image, or undefined for any other image (the pod then runs no
 * process, like a pause container). `docker.io/` and a tag are ignored: `netledger/echo:1.0` is the echo image.
 */
export function imageScript(image: string | undefined): string | undefined {
  if (!image) return undefined;
  const withoutRegistry = image.replace(/^(docker\.io\/|index\.docker\.io\/)/, '');
  const at = withoutRegistry.search(/[:@]/);
  return IMAGE_SCRIPTS[at < 0 ? withoutRegistry : withoutRegistry.slice(0, at)];
}
