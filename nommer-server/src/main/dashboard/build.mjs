// Bundles the dashboard with esbuild: src/main.js and what it imports into hashed files under OUT/assets, and
// OUT/index.html naming them. The players (hls.js, dash.js) are split into chunks of their own, loaded only when a
// page previews a stream. Usage: node build.mjs NODE_MODULES OUT
import { createRequire } from 'node:module';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const [modules, out] = process.argv.slice(2).map((p) => p && resolve(p));
if (!modules || !out) {
  console.error('usage: node build.mjs NODE_MODULES OUT');
  process.exit(2);
}
const here = dirname(fileURLToPath(import.meta.url));
const esbuild = createRequire(join(modules, 'noop.js'))('esbuild');

rmSync(out, { recursive: true, force: true });
mkdirSync(join(out, 'assets'), { recursive: true });
const result = await esbuild.build({
  entryPoints: [join(here, 'src/main.js')],
  nodePaths: [modules],
  bundle: true,
  splitting: true,
  format: 'esm',
  target: ['es2022'],
  minify: true,
  sourcemap: false,
  legalComments: 'linked',
  outdir: join(out, 'assets'),
  entryNames: '[name]-[hash]',
  chunkNames: 'chunk-[hash]',
  assetNames: '[name]-[hash]',
  metafile: true,
  logLevel: 'warning',
});

const outputs = Object.entries(result.metafile.outputs);
const entry = outputs.find(([, o]) => o.entryPoint && o.entryPoint.endsWith('src/main.js'));
const script = basename(entry[0]);
const style = basename(entry[1].cssBundle);
const page = readFileSync(join(here, 'src/index.html'), 'utf8')
  .replace('%SCRIPT%', `assets/${script}`)
  .replace('%STYLE%', `assets/${style}`);
writeFileSync(join(out, 'index.html'), page);
let total = 0;
for (const [, o] of outputs) total += o.bytes;
console.log(`dashboard: ${outputs.length} files, ${Math.round(total / 1024)} KiB, entry ${script}`);
