import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const webRoot = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root: webRoot,
  plugins: [react()],
  build: { outDir: fileURLToPath(new URL('./dist', import.meta.url)), emptyOutDir: true },
  // `npm run dev` serves the API on :3000; the Vite dev server forwards to it so cookies stay same-origin.
  server: { proxy: { '/api': 'http://localhost:3000' } },
});
