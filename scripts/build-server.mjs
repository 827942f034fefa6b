// `npm run build:server`: the server and the `kameng` CLI as two ES module bundles, dist/main.js and
// dist/cli.js, each with the dependencies they load at start bundled in (issue 10: a PGlite server's
// reopen). Loading ~1,300 files from node_modules one by one — resolve, stat, read, compile, link —
// was half of a reopen: 2.4–3.1 s from spawn to healthy became 1.7–1.9 s on the same machine in the
// same minutes, and dist/main.js grows from 0.9 to 5.5 MB.
//
// Left outside (loaded from node_modules at run time, like before):
// - packages with native code or files found next to their own module: PGlite (its WebAssembly and
//   data bundle), argon2, sharp; pino (its worker-thread transports load files by path);
// - what is imported only on demand, so a start never loads it: the S3 client, nodemailer, Scalar's
//   5 MB API reference page;
// - pg-native, pg's optional native driver, which is not installed.
// The source maps map the project's own code (src/) only, without the sources' text: a stack frame
// in src/ names its file and line, one in a dependency its place in the bundle. Node (start:prod's
// --enable-source-maps) decodes a bundle's whole map the first time it formats a stack (the first
// logged error): with the dependencies' mappings too, that took ~1 s and 70 MB of heap (120 MB of
// resident memory) for the server's life.
//   node scripts/build-server.mjs [outdir] [--full-map]   (dist; --full-map keeps every mapping: the test compares)
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';

const digits = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'; // base64 VLQ

const outdir = process.argv.slice(2).find((arg) => !arg.startsWith('--')) ?? 'dist';
const ownCode = path.resolve('src') + path.sep;

await build({
  entryPoints: ['src/main.ts', 'src/cli.ts'],
  outdir,
  bundle: true,
  platform: 'node',
  target: 'node22',
  format: 'esm',
  external: ['@electric-sql/pglite', '@node-rs/argon2', 'sharp', 'pino', '@aws-sdk/*', 'nodemailer', '@scalar/*', 'pg-native'],
  // Bundled CommonJS packages require Node's built-ins (and the packages left outside): an ES module has no `require` of its own.
  banner: { js: "import { createRequire as kamengCreateRequire } from 'node:module'; const require = kamengCreateRequire(import.meta.url);" },
  sourcemap: true,
  sourcesContent: false,
  logLevel: 'warning',
});

for (const entry of process.argv.includes('--full-map') ? [] : ['main', 'cli']) {
  const file = path.join(outdir, `${entry}.js.map`);
  const map = JSON.parse(readFileSync(file, 'utf8'));
  writeFileSync(file, JSON.stringify(onlySources(map, (source) => path.resolve(outdir, source).startsWith(ownCode))));
}

/**
 * The map with only the mappings of the sources `keep` accepts. Where the others' code begins, a
 * segment without a source marks it unmapped: Node maps a position to the closest mapping before it,
 * so a stack frame in a dependency would otherwise borrow the project's line above it; unmapped, it
 * shows its place in the bundle.
 */
function onlySources(map, keep) {
  const kept = map.sources.map(keep);
  const state = [0, 0, 0, 0]; // source, original line, original column, name: relative across the whole map
  const out = [0, 0, 0, 0];
  let unmapped = false;
  const lines = map.mappings.split(';').map((line) => {
    let column = 0;
    let outColumn = 0;
    const segments = [];
    for (const segment of line ? line.split(',') : []) {
      const fields = decodeVlq(segment);
      column += fields[0];
      for (let i = 1; i < fields.length; i++) state[i - 1] += fields[i];
      const own = fields.length > 1 && kept[state[0]];
      if (!own) {
        if (!unmapped) {
          segments.push(encodeVlq(column - outColumn));
          outColumn = column;
          unmapped = true;
        }
        continue;
      }
      unmapped = false;
      const encoded = [column - outColumn, state[0] - out[0], state[1] - out[1], state[2] - out[2]];
      if (fields.length === 5) encoded.push(state[3] - out[3]);
      outColumn = column;
      out.splice(0, fields.length - 1, ...state.slice(0, fields.length - 1));
      segments.push(encoded.map(encodeVlq).join(''));
    }
    return segments.join(',');
  });
  return { ...map, mappings: lines.join(';') };
}

function decodeVlq(text) {
  const values = [];
  let value = 0;
  let shift = 0;
  for (const char of text) {
    const digit = digits.indexOf(char);
    value += (digit & 31) << shift;
    if (digit & 32) {
      shift += 5;
    } else {
      values.push(value & 1 ? -(value >>> 1) : value >>> 1);
      value = 0;
      shift = 0;
    }
  }
  return values;
}
function encodeVlq(number) {
  let value = number < 0 ? (-number << 1) | 1 : number << 1;
  let text = '';
  do {
    let digit = value & 31;
    value >>>= 5;
    if (value > 0) digit |= 32;
    text += digits[digit];
  } while (value > 0);
  return text;
}
