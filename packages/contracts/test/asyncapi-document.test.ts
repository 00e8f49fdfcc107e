import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { Parser } from '@asyncapi/parser';
import { ALL_EVENT_DEFINITIONS, asyncApiDocument, asyncApiJson } from '../src/index.js';

const COMMITTED = new URL('../../../docs/asyncapi.json', import.meta.url);

// Spectral's DiagnosticSeverity: 0 error, 1 warning, 2 information, 3 hint.
const WARNING = 1;

test('docs/asyncapi.json is what the generator produces from the current schemas', async () => {
  const committed = await readFile(COMMITTED, 'utf8');
  assert.equal(committed, asyncApiJson(), 'docs/asyncapi.json is stale: run node --import tsx scripts/gen-asyncapi.mjs');
});

test('the maintained AsyncAPI parser finds no error or warning in the document', async () => {
  const diagnostics = await new Parser().validate(asyncApiJson());
  const problems = diagnostics
    .filter((d) => d.severity <= WARNING)
    .map((d) => `${d.code} at ${d.path.join('.')}: ${d.message}`);
  assert.deepEqual(problems, []);
});

test('every event type has a message, in its service channel and receive operation', async () => {
  const { document, diagnostics } = await new Parser().parse(asyncApiJson());
  assert.ok(document, diagnostics.map((d) => d.message).join('; '));
  assert.equal(document.version(), '3.0.0');
  for (const d of ALL_EVENT_DEFINITIONS) {
    const channel = document.channels().get(`${d.service}Events`);
    assert.ok(channel, `channel ${d.service}Events`);
    assert.equal(channel.address(), `netledger.${d.service}.v1.{eventType}.{stream}`);
    assert.ok(channel.messages().get(d.type), `message ${d.type} in channel ${d.service}Events`);
    const operation = document.operations().get(`receive${d.service[0]!.toUpperCase()}${d.service.slice(1)}Events`);
    assert.ok(operation, `receive operation for ${d.service}`);
    assert.ok(operation.isReceive(), `operation for ${d.service} is receive`);
    assert.ok(operation.messages().all().some((m) => m.name() === d.type), `operation lists ${d.type}`);
  }
});

test('message payloads carry the TypeBox data schema and the envelope', () => {
  const doc = asyncApiDocument() as { components: { schemas: Record<string, unknown>; messages: Record<string, unknown> } };
  for (const d of ALL_EVENT_DEFINITIONS) {
    assert.deepEqual(doc.components.schemas[`${d.type}Data`], JSON.parse(JSON.stringify(d.schema)));
    assert.ok(doc.components.messages[d.type], `message ${d.type}`);
  }
  assert.ok(doc.components.schemas['Envelope']);
});
