// `npm run build:server`: the server and the `kameng` CLI as two ES module bundles, dist/main.js and
// dist/cli.js, each with the dependencies they load at start bundled in (issue 10: a PGlite server's
// reopen). Loading ~1,500 files from node_modules one by one — resolve, stat, read, compile, link —
// was half of a reopen: 2.4–3.1 s from spawn to healthy became 1.7–1.9 s on the same machine in the
// same minutes, and dist/main.js grows from 0.9 to 5.5 MB.
//
// Left outside (loaded from node_modules at run time, like before):
// - packages with native code or files found next to their own module: PGlite (its WebAssembly and
//   data bundle), argon2, sharp; pino (its worker-thread transports load files by path);
// - what is imported only on demand, so a start never loads it: the S3 client, nodemailer, Scalar's
//   5 MB API reference page;
// - pg-native, pg's optional native driver, which is not installed.
// The source maps leave out the sources' text: a stack trace needs only the mapping (`--enable-source-maps`
// in start:prod parses the map at start: 8 MB with the text, 3.4 MB without).
import { build } from 'esbuild';

await build({
  entryPoints: ['src/main.ts', 'src/cli.ts'],
  outdir: 'dist',
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
