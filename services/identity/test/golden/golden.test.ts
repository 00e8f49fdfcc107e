import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runScenario } from './golden-scenario.js';

// Kubernetes YAML in, identity event stream out, compared with scenarios/<name>.expected.json.
// UPDATE_GOLDEN=1 rewrites the expectations; review the diff before committing it.
const root = fileURLToPath(new URL('./scenarios/', import.meta.url));
const update = process.env['UPDATE_GOLDEN'] === '1';

describe('identity golden scenarios', () => {
  for (const name of readdirSync(root).filter((n) => statSync(join(root, n)).isDirectory()).sort()) {
    it(name, async () => {
      const actual = await runScenario(join(root, name));
      const expectedFile = join(root, `${name}.expected.json`);
      const text = `${JSON.stringify(actual, null, 2)}\n`;
      if (update || !existsSync(expectedFile)) {
        writeFileSync(expectedFile, text);
        if (!update) assert.fail(`${expectedFile} did not exist: written, review it and run again`);
        return;
      }
      assert.deepEqual(actual, JSON.parse(readFileSync(expectedFile, 'utf8')));
    });
  }
});
