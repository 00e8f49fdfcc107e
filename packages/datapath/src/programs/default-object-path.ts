import { fileURLToPath } from 'node:url';

/** bpf/build/netledger.o of this checkout (built by `npm run build`). */
export function defaultObjectPath(): string {
  return fileURLToPath(new URL('../../../../bpf/build/netledger.o', import.meta.url));
}
