#!/usr/bin/env node
// Builds dist/netledger-cni (or the path given as the first argument): the plugin as one
// executable file for a CNI plugin directory (/opt/cni/bin), needing nothing beside it but
// Node.js >= 20.
// CommonJS on purpose: an extensionless file outside any package.json is loaded as CommonJS.
import { build } from 'esbuild';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const pkg = join(dirname(fileURLToPath(import.meta.url)), '..');
const defaultOutfile = join(pkg, 'dist', 'netledger-cni');
const outfile = process.argv[2] ? resolve(process.argv[2]) : defaultOutfile;
mkdirSync(dirname(outfile), { recursive: true });
// Inside this package ("type": "module") the file would load as ESM; this keeps dist/ CommonJS
// so the bundle runs in place as it will in /opt/cni/bin.
if (outfile === defaultOutfile) writeFileSync(join(dirname(outfile), 'package.json'), '{ "type": "commonjs" }\n');

const result = await build({
  entryPoints: [join(pkg, 'src', 'main.ts')],
  outfile,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  // The npm `bpf` addon (a native module) is for map access; attaching programs shells out to
  // tc, so the plugin never loads it. Left out, it is only required if some path did.
  external: ['bpf'],
  // Modules that read import.meta.url (e.g. to find a sibling file) get this file's URL.
  define: { 'import.meta.url': '__netledgerImportMetaUrl' },
  banner: { js: "#!/usr/bin/env node\nconst __netledgerImportMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
  legalComments: 'none',
  logLevel: 'warning',
  metafile: true,
});
chmodSync(outfile, 0o755);
const bytes = Object.values(result.metafile.outputs).reduce((n, o) => n + o.bytes, 0);
console.log(`netledger-cni: ${outfile} (${Math.round(bytes / 1024)} KiB)`);
