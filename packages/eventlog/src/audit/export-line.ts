import type { ServiceName } from '@netledger/contracts';
import type { StoredEventRow } from './stored-event-source.js';

/**
 * One NDJSON line of an exported log: the envelope as stored, with its chain hash. Built around
 * the stored JSON text of cause and data, so no re-serialization can change a byte the hash covers.
 */
export function exportLine(service: ServiceName, r: StoredEventRow): string {
  return (
    `{"id":${JSON.stringify(r.id)},"service":${JSON.stringify(service)},"stream":${JSON.stringify(r.stream)},` +
    `"version":${Number(r.version)},"seq":${Number(r.seq)},"type":${JSON.stringify(r.type)},` +
    `"schemaVersion":${Number(r.schema_version)},"time":${JSON.stringify(r.time)},"cause":${r.cause},"data":${r.data},` +
    `"hash":${JSON.stringify(r.hash)}}`
  );
}
