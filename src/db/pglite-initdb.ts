import { spawn } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

/**
 * A new PGlite data folder is normally made by initdb inside the process that opens it. initdb grows
 * PGlite's WebAssembly memory to ~430 MB, and WebAssembly memory never shrinks: a server started on
 * a new folder stayed at ~0.5–1 GB resident for its whole life. Instead, initdb runs in a short-lived
 * child process, which creates the folder, closes it and exits, taking that memory with it; this
 * process then opens the folder as an existing one, like any restart. (Tried first: a worker thread,
 * ~190 MB of whose memory stayed with the process after it ended; and an initdb'd dump loaded with
 * loadDataDir, whose unpacking left ~130 MB more resident than opening a folder.) Nothing is cached:
 * the folder is made by the very PGlite that opens it, so it cannot be stale.
 */
const childCode = `
const { PGlite } = require(process.argv[1]);
PGlite.create(process.argv[2], { startParams: JSON.parse(process.argv[3]) }).then((pglite) => pglite.close());
`;

/** Whether `dataDir` holds no PostgreSQL data folder yet (PGlite would run initdb on it). */
export const isNewDataDir = (dataDir: string) => !existsSync(path.join(dataDir, 'PG_VERSION'));

/**
 * Makes the new PGlite data folder `dataDir` (initdb) in a child process. Should the child fail, a
 * folder it left half made is removed (when it did not exist before) and PGlite will run initdb in
 * this process, as it did before.
 */
export async function initdbInChild(dataDir: string, startParams: string[]): Promise<void> {
  const existed = existsSync(dataDir);
  const made = await new Promise<boolean>((resolve) => {
    const pglite = createRequire(import.meta.url).resolve('@electric-sql/pglite');
    const child = spawn(process.execPath, ['-e', childCode, pglite, dataDir, JSON.stringify(startParams)], { stdio: 'ignore' });
    // A server stopped during its first start leaves no initdb behind, writing a folder nobody holds.
    const stop = () => child.kill();
    process.once('exit', stop);
    child.once('error', () => resolve(false));
    child.once('close', (code) => {
      process.off('exit', stop);
      resolve(code === 0);
    });
  });
  if (!made && !existed) rmSync(dataDir, { recursive: true, force: true });
}
