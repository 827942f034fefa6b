import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { DataDirInUseError, openDatabase } from '../../src/db/connect';

const root = mkdtempSync(path.join(os.tmpdir(), 'kameng-lock-'));
const dataDir = path.join(root, 'pglite');
const lockFile = `${dataDir}.lock`;
const repo = path.resolve(import.meta.dirname, '../..');
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A pid that no process has any more. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', '']);
  return child.pid!;
}

describe('the PGlite data folder is one process at a time', () => {
  it('a second open of a held folder is refused; closing releases it', async () => {
    const first = await openDatabase({ dataDir });
    try {
      expect(readFileSync(lockFile, 'utf8')).toMatch(new RegExp(`^${process.pid} `));
      const second = openDatabase({ dataDir });
      await expect(second).rejects.toBeInstanceOf(DataDirInUseError);
      await expect(second).rejects.toThrow(/in use by process \d+.*DATABASE_URL/);
    } finally {
      await first.close();
    }
    expect(existsSync(lockFile)).toBe(false);
    const again = await openDatabase({ dataDir });
    await again.close();
  });

  it('a lock left by a dead process is taken over', async () => {
    writeFileSync(lockFile, `${deadPid()} left-by-a-crash\n`);
    const database = await openDatabase({ dataDir });
    try {
      expect(readFileSync(lockFile, 'utf8')).toMatch(new RegExp(`^${process.pid} `));
    } finally {
      await database.close();
    }
    expect(existsSync(lockFile)).toBe(false);
  });

  it('a lock with this pid but another process token (a restarted container\'s pid 1) is stale too', async () => {
    writeFileSync(lockFile, `${process.pid} an-earlier-process\n`);
    const database = await openDatabase({ dataDir });
    await database.close();
    expect(existsSync(lockFile)).toBe(false);
  });

  it('the CLI refuses with one line and exit 1 while a server holds the folder, and creates nobody', async () => {
    const server = await openDatabase({ dataDir });
    try {
      const run = promisify(execFile)(path.join(repo, 'node_modules/.bin/tsx'), ['src/cli.ts', 'create-user', '--email', 'ops@example.com', '--password', 'long-enough-password', '--role', 'staff'], {
        cwd: repo, env: { ...process.env, KAMENG_DATA_DIR: root, DATABASE_URL: '', KAMENG_SANDBOX: '1' },
      });
      const failure = await run.then(() => null, (error: { code: number; stdout: string; stderr: string }) => error);
      expect(failure).not.toBeNull();
      expect(failure!.code).toBe(1);
      expect(failure!.stdout).not.toContain('created');
      expect(failure!.stderr.trim().split('\n')).toHaveLength(1);
      expect(failure!.stderr).toMatch(/^kameng: the PGlite data folder .* is in use by process \d+ .*stop it first, or run both on PostgreSQL \(DATABASE_URL\)/);
    } finally {
      await server.close();
    }
  });
});
