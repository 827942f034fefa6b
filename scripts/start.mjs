// `npm start`: builds what changed since the last start, then runs the built server in this process.
// The web app (vite) is rebuilt when a file under web/ or src/ (the web app imports types and rule
// defaults from there) is newer than web/dist/index.html; the server bundle (esbuild, the same build
// as `npm run build:server`) when a file under src/, package-lock.json or the build script is newer than dist/main.js.
// An unchanged checkout starts in about the time `npm run start:prod` takes: no vite build
// (seconds of CPU) and no TypeScript compiled at run time (tsx), which `npm start` did every time.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(root);

const mtime = (file) => {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return 0;
  }
};
/** The newest modification time of the files under `dir` (skipping built output and dependencies). */
function newest(dir) {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'dist' || entry.name === 'node_modules') continue;
    const full = path.join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(full) : mtime(full));
  }
  return latest;
}

function run(script) {
  const result = spawnSync('npm', ['run', script, '--silent'], { stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

const sources = newest('src');
if (Math.max(sources, newest('web')) > mtime('web/dist/index.html')) run('build:web');
if (Math.max(sources, mtime('package-lock.json'), mtime('package.json'), mtime('scripts/build-server.mjs')) > mtime('dist/main.js')) run('build:server');

process.setSourceMapsEnabled(true);
await import(pathToFileURL(path.join(root, 'dist/main.js')).href);
