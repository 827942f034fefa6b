import { readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

const webRoot = fileURLToPath(new URL('.', import.meta.url));
const outDir = fileURLToPath(new URL('./dist', import.meta.url));
const brotli = promisify(brotliCompress);
const gzipped = promisify(gzip);

/**
 * Writes name.br (brotli quality 11) and name.gz (gzip 9) beside each built script, style sheet and
 * SVG over 1 KiB. The server sends them as they are (@fastify/static preCompressed): about 15% fewer
 * bytes than compressing per request at the quality a request can afford, and no CPU per request.
 */
function precompress(): Plugin {
  return {
    name: 'kameng-precompress',
    apply: 'build',
    async closeBundle() {
      const files = (await readdir(outDir, { recursive: true })).filter((name) => /\.(js|css|html|svg)$/.test(name));
      await Promise.all(files.map(async (name) => {
        const file = path.join(outDir, name);
        const raw = await readFile(file);
        if (raw.length < 1024) return;
        await writeFile(`${file}.br`, await brotli(raw, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: raw.length } }));
        await writeFile(`${file}.gz`, await gzipped(raw, { level: 9 }));
      }));
    },
  };
}

export default defineConfig({
  root: webRoot,
  plugins: [react(), precompress()],
  build: { outDir, emptyOutDir: true },
  // `npm run dev` serves the API on :3000; the Vite dev server forwards to it so cookies stay same-origin.
  server: { proxy: { '/api': 'http://localhost:3000' } },
});
