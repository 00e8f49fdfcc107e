import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CursorStoreError, FileCursorStore, MemoryCursorStore } from '@netledger/bus';
import { tempDir } from './support/fixtures.js';

describe('FileCursorStore', () => {
  it('loads 0 for an unknown name, then what was saved, across instances', async () => {
    const tmp = await tempDir('cursor');
    try {
      const dir = join(tmp.dir, 'cursors');
      const store = new FileCursorStore(dir);
      assert.equal(await store.load('node-a/policy'), 0);
      await store.save('node-a/policy', 41);
      await store.save('node-a/policy', 42);
      await store.save('node-a/lb', 7);
      const again = new FileCursorStore(dir);
      assert.equal(await again.load('node-a/policy'), 42);
      assert.equal(await again.load('node-a/lb'), 7);
      // One file per name, no temporary files left behind.
      const files = (await readdir(dir)).sort();
      assert.deepEqual(files, ['node-a%2Flb.cursor.json', 'node-a%2Fpolicy.cursor.json']);
    } finally {
      await tmp.cleanup();
    }
  });

  it('rejects a corrupt cursor file and a negative seq with the name in the message', async () => {
    const tmp = await tempDir('cursor-bad');
    try {
      const store = new FileCursorStore(tmp.dir);
      await writeFile(join(tmp.dir, 'x.cursor.json'), '{"seq": "seven"}');
      await assert.rejects(store.load('x'), (e: unknown) => e instanceof CursorStoreError && /cursor x .*seq/.test(e.message));
      await assert.rejects(store.save('y', -1), CursorStoreError);
    } finally {
      await tmp.cleanup();
    }
  });
});

describe('MemoryCursorStore', () => {
  it('keeps cursors per name', async () => {
    const store = new MemoryCursorStore();
    assert.equal(await store.load('a'), 0);
    await store.save('a', 3);
    assert.equal(await store.load('a'), 3);
    assert.equal(await store.load('b'), 0);
  });
});
