// Writes docs/asyncapi.json from the TypeBox event schemas (run: node --import tsx scripts/gen-asyncapi.mjs).
// packages/contracts/test/asyncapi-document.test.ts fails when the committed file is stale.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { asyncApiJson } from '@netledger/contracts';

const out = fileURLToPath(new URL('../docs/asyncapi.json', import.meta.url));
writeFileSync(out, asyncApiJson());
console.log(`wrote ${out}`);
