import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { StartupError } from '../config';
import { type Database, lockDataDir, openDatabase } from './connect';
import { migrationStatus, type MigrationStatus } from './migration-status';

/** What a backup file holds, told by its first bytes. */
export type BackupKind = 'pglite' | 'pg_dump';

export function backupKind(head: Uint8Array): BackupKind | undefined {
  if (head[0] === 0x1f && head[1] === 0x8b) return 'pglite'; // PGlite's dumpDataDir('gzip'): a gzipped tar of the data folder
  if (Buffer.from(head.subarray(0, 5)).toString('latin1') === 'PGDMP') return 'pg_dump'; // pg_dump --format=custom
  return undefined;
}

/** Writes the open PGlite database to `file` (a gzipped tar of its data folder), atomically. Returns the size in bytes. */
export async function backupPglite(database: Database, file: string): Promise<number> {
  if (!database.pglite) throw new Error('backupPglite needs a PGlite database');
  const dump = Buffer.from(await (await database.pglite.dumpDataDir('gzip')).arrayBuffer());
  writeFileSync(`${file}.partial`, dump, { mode: 0o600 });
  renameSync(`${file}.partial`, file);
  return dump.length;
}

export interface RestoreResult {
  /** Where the data folder that was there before now is (kept, never deleted). */
  previous: string | undefined;
  status: MigrationStatus;
}

/**
 * Replaces the PGlite data folder `dataDir` by the backup in `file`. Refuses while a server holds
 * the folder; the folder that was there is renamed to `<dataDir>.before-restore-<time>`, not deleted.
 */
export async function restorePglite(dataDir: string, file: string): Promise<RestoreResult> {
  const dump = readBackup(file, 'pglite');
  let previous: string | undefined;
  const unlock = lockDataDir(dataDir);
  try {
    if (existsSync(dataDir)) {
      previous = `${dataDir}.before-restore-${new Date().toISOString().replace(/[:.]/g, '-')}`;
      renameSync(dataDir, previous);
    }
  } finally {
    unlock();
  }
  try {
    const database = await openDatabase({ dataDir, loadDataDir: new Blob([new Uint8Array(dump)]) });
    try {
      return { previous, status: await migrationStatus(database.db) };
    } finally {
      await database.close();
    }
  } catch (error) {
    // Put the old folder back rather than leave a half-restored one.
    rmSync(dataDir, { recursive: true, force: true });
    if (previous) renameSync(previous, dataDir);
    throw error;
  }
}

/** Reads a backup file and checks it is the kind this engine restores. */
function readBackup(file: string, expected: BackupKind): Buffer {
  if (!existsSync(file)) throw new StartupError(`no backup file ${file}`);
  const data = readFileSync(file);
  const kind = backupKind(data);
  if (kind === expected) return data;
  if (kind === undefined) throw new StartupError(`${file} is not a Kameng backup (neither a PGlite dump nor a pg_dump custom-format file)`);
  throw new StartupError(kind === 'pglite'
    ? `${file} is a PGlite backup but DATABASE_URL points to PostgreSQL: unset DATABASE_URL to restore it into KAMENG_DATA_DIR`
    : `${file} is a pg_dump backup of PostgreSQL: set DATABASE_URL to the database to restore it into`);
}

/** Runs a PostgreSQL client tool, with a one-line error when it is not installed. */
function runTool(tool: 'pg_dump' | 'pg_restore', args: string[]): void {
  const result = spawnSync(tool, args, { stdio: 'inherit' });
  if ((result.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') {
    throw new StartupError(`${tool} is not on PATH: install the PostgreSQL client tools of the server's major version or newer (Debian: apt-get install postgresql-client), or run it where they are (docker compose exec db ${tool} …)`);
  }
  if (result.error) throw result.error;
  if (result.status !== 0) throw new StartupError(`${tool} failed (exit ${result.status ?? result.signal}); its message is above`);
}

/** pg_dump in its custom format (compressed, restorable table by table), written atomically. */
export function backupPostgres(databaseUrl: string, file: string): void {
  try {
    runTool('pg_dump', ['--format=custom', '--no-owner', `--file=${file}.partial`, `--dbname=${databaseUrl}`]);
  } catch (error) {
    rmSync(`${file}.partial`, { force: true });
    throw error;
  }
  renameSync(`${file}.partial`, file);
}

/** pg_restore into the database of DATABASE_URL, dropping what is there first, in one transaction. */
export function restorePostgres(databaseUrl: string, file: string): void {
  readBackup(file, 'pg_dump');
  runTool('pg_restore', ['--clean', '--if-exists', '--no-owner', '--single-transaction', '--exit-on-error', `--dbname=${databaseUrl}`, file]);
}
