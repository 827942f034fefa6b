import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { StartupError } from '../../src/config';
import { backupKind, backupPostgres, restorePglite, restorePostgres } from '../../src/db/backup';
import { DataDirInUseError, type Database, migrate, openDatabase } from '../../src/db/connect';
import { migrationStatus } from '../../src/db/migration-status';
import { migrations } from '../../src/db/migrations/index';
import { freshDatabase } from '../support/databases';

const repo = path.resolve(import.meta.dirname, '../..');
const root = mkdtempSync(path.join(os.tmpdir(), 'kameng-backup-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** `npm run kameng -- …` on a PGlite data folder, as an operator runs it. */
async function kameng(dataDir: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = { ...process.env, KAMENG_DATA_DIR: dataDir, DATABASE_URL: '', KAMENG_SANDBOX: '1' };
  return promisify(execFile)(path.join(repo, 'node_modules/.bin/tsx'), ['src/cli.ts', ...args], { cwd: repo, env })
    .then(({ stdout, stderr }) => ({ code: 0, stdout, stderr }), (error: { code: number; stdout: string; stderr: string }) => error);
}

/** A migrated PGlite folder with these users, made in this process (faster than the CLI). */
async function folderWith(pgliteDir: string, ...emailsToAdd: string[]): Promise<void> {
  const database = await openDatabase({ dataDir: pgliteDir });
  try {
    await migrate(database.db);
    for (const email of emailsToAdd) await insertUser(database, email);
  } finally {
    await database.close();
  }
}

const insertUser = (database: Database, email: string) =>
  database.db.insertInto('users').values({ id: randomUUID(), email, password_hash: 'x', role: 'staff', display_name: email, created_at: new Date() } as never).execute();

async function emails(pgliteDir: string): Promise<string[]> {
  const database = await openDatabase({ dataDir: pgliteDir });
  try {
    return (await database.db.selectFrom('users').select('email').where('email', 'like', '%@example.com').orderBy('email').execute()).map((u) => u.email);
  } finally {
    await database.close();
  }
}

describe('backup and restore on PGlite (the CLI)', () => {
  it('round trip: what was there at the backup comes back, what came after is gone, the replaced folder is kept', async () => {
    const dataDir = path.join(root, 'round-trip');
    const file = path.join(root, 'kameng.backup.tar.gz');
    const pgliteDir = path.join(dataDir, 'pglite');
    await folderWith(pgliteDir, 'before@example.com');

    const backup = await kameng(dataDir, 'backup', file);
    expect(backup.code, backup.stderr).toBe(0);
    expect(backup.stdout).toContain(`to ${file}`);
    expect(existsSync(`${file}.partial`)).toBe(false);

    await folderWith(pgliteDir, 'after@example.com');
    expect(await emails(pgliteDir)).toEqual(['after@example.com', 'before@example.com']);

    const restore = await kameng(dataDir, 'restore', file);
    expect(restore.code, restore.stderr).toBe(0);
    expect(restore.stdout).toMatch(/migrations: \d+ applied, 0 pending/);
    expect(await emails(path.join(dataDir, 'pglite'))).toEqual(['before@example.com']);

    const kept = readdirSync(dataDir).filter((name) => name.startsWith('pglite.before-restore-'));
    expect(kept).toHaveLength(1);
    expect(await emails(path.join(dataDir, kept[0]))).toEqual(['after@example.com', 'before@example.com']);

    const status = await kameng(dataDir, 'migrate', 'status');
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/^applied {2}001_core /m);
    expect(status.stdout).toMatch(/\d+ applied, 0 pending\n$/);
  }, 240_000);

  it('migration status of an empty database: every migration pending, and reading it applies none', async () => {
    const database = await openDatabase({ dataDir: 'memory://' });
    try {
      const names = Object.keys(migrations);
      expect(await migrationStatus(database.db)).toEqual({ applied: [], pending: names, unknown: [] });
      expect((await migrationStatus(database.db)).pending).toEqual(names);
      await migrate(database.db);
      const after = await migrationStatus(database.db);
      expect(after.applied.map((m) => m.name)).toEqual(names);
      expect(after.pending).toEqual([]);
    } finally {
      await database.close();
    }
  });

  it('restore refuses while a server holds the data folder, and changes nothing', async () => {
    const pgliteDir = path.join(root, 'held', 'pglite');
    const server = await openDatabase({ dataDir: pgliteDir });
    const file = path.join(root, 'held.tar.gz');
    writeFileSync(file, Buffer.from([0x1f, 0x8b, 0, 0]));
    try {
      await expect(restorePglite(pgliteDir, file)).rejects.toBeInstanceOf(DataDirInUseError);
      expect(readdirSync(path.dirname(pgliteDir)).filter((n) => n.includes('before-restore'))).toEqual([]);
    } finally {
      await server.close();
    }
  });

  it('a damaged backup leaves the folder that was there in place', async () => {
    const dataDir = path.join(root, 'damaged');
    await folderWith(path.join(dataDir, 'pglite'), 'kept@example.com');
    const file = path.join(root, 'damaged.tar.gz');
    writeFileSync(file, Buffer.concat([Buffer.from([0x1f, 0x8b]), Buffer.alloc(64, 7)]));
    await expect(restorePglite(path.join(dataDir, 'pglite'), file)).rejects.toThrow();
    expect(await emails(path.join(dataDir, 'pglite'))).toEqual(['kept@example.com']);
    expect(readdirSync(dataDir).filter((n) => n.includes('before-restore'))).toEqual([]);
  });
});

describe('backup files and tools', () => {
  it('tells a PGlite dump from a pg_dump file from anything else', () => {
    expect(backupKind(Buffer.from([0x1f, 0x8b, 8, 0]))).toBe('pglite');
    expect(backupKind(Buffer.from('PGDMP\x01\x0e'))).toBe('pg_dump');
    expect(backupKind(Buffer.from('root:x:0:0'))).toBeUndefined();
  });

  it('refuses the other engine\'s backup, and a file that is no backup, with one line', async () => {
    const pgFile = path.join(root, 'pg.dump');
    writeFileSync(pgFile, 'PGDMP\x01\x0e…');
    await expect(restorePglite(path.join(root, 'other', 'pglite'), pgFile)).rejects.toThrow(/is a pg_dump backup of PostgreSQL: set DATABASE_URL/);
    const gz = path.join(root, 'x.tar.gz');
    writeFileSync(gz, Buffer.from([0x1f, 0x8b, 0, 0]));
    expect(() => restorePostgres('postgres://nobody@127.0.0.1:1/none', gz)).toThrow(/is a PGlite backup but DATABASE_URL points to PostgreSQL/);
    const text = path.join(root, 'notes.txt');
    writeFileSync(text, 'hello');
    expect(() => restorePostgres('postgres://nobody@127.0.0.1:1/none', text)).toThrow(StartupError);
    expect(() => restorePostgres('postgres://nobody@127.0.0.1:1/none', path.join(root, 'missing'))).toThrow(/^no backup file /);
  });

  it('without pg_dump on PATH, a PostgreSQL backup says what to install', () => {
    const path0 = process.env.PATH;
    process.env.PATH = mkdtempSync(path.join(os.tmpdir(), 'kameng-empty-path-'));
    try {
      expect(() => backupPostgres('postgres://nobody@127.0.0.1:1/none', path.join(root, 'none.dump'))).toThrow(/^pg_dump is not on PATH: install the PostgreSQL client tools/);
    } finally {
      process.env.PATH = path0;
    }
    expect(existsSync(path.join(root, 'none.dump.partial'))).toBe(false);
  });

  it.skipIf(!process.env.DATABASE_URL)('round trip on PostgreSQL with pg_dump / pg_restore', async () => {
    const database = await freshDatabase(2);
    const url = database.url!;
    const file = path.join(root, 'postgres.dump');
    const insert = (email: string) => insertUser(database, email);
    try {
      await insert('before@example.com');
      backupPostgres(url, file);
      await insert('after@example.com');
      restorePostgres(url, file);
      const rows = await database.db.selectFrom('users').select('email').where('email', 'like', '%@example.com').orderBy('email').execute();
      expect(rows.map((r) => r.email)).toEqual(['before@example.com']);
    } finally {
      await database.close();
    }
  });
});
