import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
// Deep imports on purpose: manifest parsing loads without client-node, so this file starts fast.
import { ManifestError } from '../src/kube-errors.js';
import { formatYaml, parseManifests } from '../src/parse-manifests.js';
import { readManifests } from '../src/read-manifests.js';

const POD = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\nspec:\n  containers: [{ name: c }]\n';

function rejects(text: string, message: string | RegExp): void {
  assert.throws(
    () => parseManifests(text, 'm.yaml'),
    (e: unknown) => {
      assert.ok(e instanceof ManifestError);
      if (typeof message === 'string') assert.equal(e.message, message);
      else assert.match(e.message, message);
      return true;
    },
  );
}

describe('parseManifests', () => {
  it('reads every non-empty document and numbers them by position', () => {
    const text = `# leading comment\n---\n${POD}---\n# only a comment\n---\napiVersion: v1\nkind: Namespace\nmetadata: { name: ns1 }\n`;
    const manifests = parseManifests(text, 'm.yaml');
    assert.deepEqual(
      manifests.map((m) => [m.document, m.object.kind, m.object.metadata.name]),
      [
        [1, 'Pod', 'a'],
        [3, 'Namespace', 'ns1'],
      ],
    );
    assert.equal(manifests[0]!.file, 'm.yaml');
  });

  it('reads JSON and expands a List', () => {
    const list = { apiVersion: 'v1', kind: 'List', items: [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'x' } }, { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n' } }] };
    assert.deepEqual(
      parseManifests(JSON.stringify(list), 'l.json').map((m) => `${m.document} ${m.object.kind}/${m.object.metadata.name}`),
      ['1 Namespace/x', '1 Node/n'],
    );
    assert.deepEqual(parseManifests('', 'empty.yaml'), []);
  });

  it('names the line of a syntax error', () => {
    rejects(`${POD}---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: b\n    x: y\n`, /^m\.yaml line 11, column 9: invalid YAML: Nested mappings are not allowed/);
    rejects('{"apiVersion": "v1",, }', /^m\.yaml line 1, column \d+: invalid YAML: /);
    rejects('a: 1\na: 2\n', /^m\.yaml line 2, column 1: invalid YAML: Map keys must be unique/);
  });

  it('names the document of an object it cannot apply', () => {
    rejects(`${POD}---\napiVersion: v1\nkind: Foo\nmetadata: { name: f }\n`, /^m\.yaml document 2: kind Foo is not supported \(supported: Namespace, Node, Pod/);
    rejects('kind: Pod\nmetadata: { name: a }\n', 'm.yaml document 1: Pod: missing field apiVersion');
    rejects('apiVersion: v1\nmetadata: { name: a }\n', 'm.yaml document 1: missing field kind');
    rejects('apiVersion: v1\nkind: Pod\nmetadata: { labels: {} }\n', 'm.yaml document 1: Pod: missing field metadata.name');
    rejects('apiVersion: v1\nkind: Pod\nmetadata: { name: a, namespace: 3 }\n', 'm.yaml document 1: Pod a: metadata.namespace must be a string');
    rejects('apiVersion: cilium.io/v1\nkind: CiliumNetworkPolicy\nmetadata: { name: a }\n', 'm.yaml document 1: kind CiliumNetworkPolicy is served as apiVersion cilium.io/v2, not cilium.io/v1');
    rejects('- a\n- b\n', 'm.yaml document 1: expected a Kubernetes object (a mapping), found a list');
    rejects('apiVersion: v1\nkind: List\nitems:\n- { apiVersion: v1, kind: Pod, metadata: {} }\n', 'm.yaml document 1: item 1: Pod: missing field metadata.name');
  });

  it('formats YAML without folding long lines', () => {
    const long = 'x'.repeat(200);
    assert.equal(formatYaml({ a: { b: long } }), `a:\n  b: ${long}\n`);
  });
});

describe('readManifests', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'netledger-manifests-'));
    mkdirSync(join(dir, 'd'));
    mkdirSync(join(dir, 'd', 'nested.yaml'));
    writeFileSync(join(dir, 'd', 'b.yml'), 'apiVersion: v1\nkind: Namespace\nmetadata: { name: b }\n');
    writeFileSync(join(dir, 'd', 'a.json'), '{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"a"}}');
    writeFileSync(join(dir, 'd', 'C.YAML'), 'apiVersion: v1\nkind: Namespace\nmetadata: { name: c }\n');
    writeFileSync(join(dir, 'd', 'notes.txt'), 'kind: nonsense');
    mkdirSync(join(dir, 'empty'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('reads a directory in name order, manifest files only, not recursively', () => {
    assert.deepEqual(
      readManifests([join(dir, 'd')]).map((m) => m.object.metadata.name),
      ['c', 'a', 'b'],
    );
  });

  it('reads files in the order given, any extension', () => {
    writeFileSync(join(dir, 'plain'), 'apiVersion: v1\nkind: Node\nmetadata: { name: n }\n');
    assert.deepEqual(
      readManifests([join(dir, 'plain'), join(dir, 'd', 'b.yml')]).map((m) => `${m.file.slice(dir.length)} ${m.object.metadata.name}`),
      ['/plain n', '/d/b.yml b'],
    );
  });

  it('fails on a missing path or a directory without manifests', () => {
    assert.throws(() => readManifests([join(dir, 'nope.yaml')]), (e: unknown) => e instanceof ManifestError && e.message === `${join(dir, 'nope.yaml')}: no such file or directory`);
    assert.throws(() => readManifests([join(dir, 'empty')]), /directory has no \*\.yaml, \*\.yml or \*\.json files/);
  });
});
