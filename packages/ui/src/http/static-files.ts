import { readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  svg: 'image/svg+xml',
};

/**
 * The web app's files: what is in `dir` when the server starts, by name, so a request can only
 * ever name one of them (no paths, no traversal). Read on each request: they are small, and an
 * edit shows on reload.
 */
export class StaticFiles {
  private readonly files: ReadonlyMap<string, string>;

  constructor(private readonly dir: string) {
    const files = new Map<string, string>();
    for (const name of readdirSync(dir)) {
      const ext = /^[a-z0-9-]+\.([a-z]+)$/.exec(name)?.[1];
      const type = ext === undefined ? undefined : CONTENT_TYPES[ext];
      if (type) files.set(name, type);
    }
    this.files = files;
  }

  /** The file for a URL path (`/` is index.html), or undefined. */
  async read(path: string): Promise<{ readonly body: Buffer; readonly contentType: string } | undefined> {
    const name = path === '/' ? 'index.html' : path.slice(1);
    const contentType = this.files.get(name);
    if (contentType === undefined) return undefined;
    return { body: await readFile(join(this.dir, name)), contentType };
  }
}
