import { parseAllDocuments, stringify, type YAMLError } from 'yaml';
import { ManifestError, UnsupportedKindError } from './kube-errors.js';
import type { KubeManifest } from './kube-client.js';
import { apiVersionOf, resourceForKind } from './kube-resources.js';
import { isRecord } from './to-kube-object.js';

/** One object read from a manifest file, with where it came from for messages. */
export interface Manifest {
  readonly file: string;
  /** 1-based position of its YAML document in the file. */
  readonly document: number;
  readonly object: KubeManifest;
}

/**
 * Every object of a YAML or JSON text (`---`-separated documents; `kind: List` expanded). Checks
 * what apply needs, so nothing is sent from a text that has a problem: the first syntax error
 * throws ManifestError with its line, a bad object one with its document number.
 */
export function parseManifests(text: string, file: string): Manifest[] {
  const documents = parseAllDocuments(text, { prettyErrors: true, uniqueKeys: true });
  if (!Array.isArray(documents)) return [];
  for (const doc of documents) {
    const error = doc.errors[0];
    if (error) throw syntaxError(file, error);
  }
  const manifests: Manifest[] = [];
  documents.forEach((doc, i) => {
    const document = i + 1;
    if (doc.contents === null) return;
    const value: unknown = doc.toJS({ maxAliasCount: 100 });
    if (value === null || value === undefined) return;
    if (isRecord(value) && value['kind'] === 'List') {
      const items = value['items'];
      if (!Array.isArray(items)) throw new ManifestError(file, { document }, 'kind List needs an items list');
      items.forEach((item, j) => manifests.push({ file, document, object: checkObject(item, file, document, `item ${j + 1}: `) }));
      return;
    }
    manifests.push({ file, document, object: checkObject(value, file, document, '') });
  });
  return manifests;
}

/** YAML text of one value, without line folding (annotations holding JSON stay on one line). */
export function formatYaml(value: unknown): string {
  return stringify(value, { lineWidth: 0, aliasDuplicateObjects: false });
}

function checkObject(value: unknown, file: string, document: number, prefix: string): KubeManifest {
  const fail = (reason: string): ManifestError => new ManifestError(file, { document }, `${prefix}${reason}`);
  if (!isRecord(value)) throw fail(`expected a Kubernetes object (a mapping), found ${Array.isArray(value) ? 'a list' : JSON.stringify(value)}`);
  const { kind, apiVersion, metadata } = value;
  if (typeof kind !== 'string' || kind === '') throw fail('missing field kind');
  if (typeof apiVersion !== 'string' || apiVersion === '') throw fail(`${kind}: missing field apiVersion`);
  let expected: string;
  try {
    expected = apiVersionOf(resourceForKind(kind));
  } catch (e) {
    if (e instanceof UnsupportedKindError) throw fail(e.message);
    throw e;
  }
  if (apiVersion !== expected) throw fail(`kind ${kind} is served as apiVersion ${expected}, not ${apiVersion}`);
  if (!isRecord(metadata)) throw fail(`${kind}: missing field metadata.name`);
  if (typeof metadata['name'] !== 'string' || metadata['name'] === '') throw fail(`${kind}: missing field metadata.name`);
  if (metadata['namespace'] !== undefined && typeof metadata['namespace'] !== 'string') {
    throw fail(`${kind} ${metadata['name']}: metadata.namespace must be a string`);
  }
  return value as unknown as KubeManifest;
}

function syntaxError(file: string, error: YAMLError): ManifestError {
  const [start] = error.linePos ?? [];
  // The library's message repeats the position and quotes the source; the first clause is the reason.
  const reason = error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
  return new ManifestError(file, start ? { line: start.line, column: start.col } : {}, `invalid YAML: ${reason}`, { cause: error });
}
