import { randomUUID } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PGliteDialect } from 'kysely';
import pg from 'pg';
import { kyselyOver, migrate, openDatabase, pgliteOptions, type Database } from '../../src/db/connect';
import type { DB } from '../../src/db/schema';

/** Where the migrated PGlite template is dumped for this run: an uncompressed tar loads ~0.3 s faster per test file than gzip. */
export const pgliteTemplateFile = () => path.join(os.tmpdir(), `kameng-template-${process.env.KAMENG_TEST_RUN ?? "local"}.tar`);

export const engine = (): 'postgres' | 'pglite' => (process.env.DATABASE_URL ? 'postgres' : 'pglite');

function databaseUrlWithName(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

export const templateDatabaseName = () => `kameng_tmpl_${process.env.KAMENG_TEST_RUN ?? 'local'}`;
const fileDatabasePrefix = () => `kameng_t_${process.env.KAMENG_TEST_RUN ?? 'local'}_`;

/** Global setup: migrate once into a template (a PGlite dump, or a PostgreSQL template database). */
export async function prepareTemplate(): Promise<void> {
  const url = process.env.DATABASE_URL;
  if (url) {
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`drop database if exists ${templateDatabaseName()}`);
    await admin.query(`create database ${templateDatabaseName()}`);
    await admin.end();
    const database = await openDatabase({ databaseUrl: databaseUrlWithName(url, templateDatabaseName()), poolSize: 1 });
    await migrate(database.db);
    await database.close();
    return;
  }
  const pglite = await PGlite.create('memory://', pgliteOptions);
  const db = new Kysely<DB>({ dialect: new PGliteDialect({ pglite }) });
  await migrate(db);
  const dump = await pglite.dumpDataDir('none');
  writeFileSync(pgliteTemplateFile(), Buffer.from(await dump.arrayBuffer()));
  await db.destroy();
}

export async function dropTemplate(): Promise<void> {
  const url = process.env.DATABASE_URL;
  if (!url) {
    rmSync(pgliteTemplateFile(), { force: true });
    return;
  }
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  // Only this run's databases: other runs (another checkout, a concurrent CI) may share the server.
  const leftovers = await admin.query<{ datname: string }>(`select datname from pg_database where datname like $1 or datname = $2`, [`${fileDatabasePrefix()}%`, templateDatabaseName()]);
  for (const { datname } of leftovers.rows) await admin.query(`drop database if exists ${datname} with (force)`).catch(() => undefined);
  await admin.end();
}

/** A fresh, migrated database for one test file: a PGlite loaded from the dump, or a copy of the template. */
export async function freshDatabase(poolSize = 12): Promise<Database & { url?: string }> {
  const url = process.env.DATABASE_URL;
  if (url) {
    const name = `${fileDatabasePrefix()}${randomUUID().replace(/-/g, '').slice(0, 12)}`;
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`create database ${name} template ${templateDatabaseName()}`);
    await admin.end();
    const database = await openDatabase({ databaseUrl: databaseUrlWithName(url, name), poolSize });
    return {
      ...database,
      url: databaseUrlWithName(url, name),
      async close() {
        await database.close();
        const dropper = new pg.Client({ connectionString: url });
        await dropper.connect();
        await dropper.query(`drop database if exists ${name} with (force)`).catch(() => undefined);
        await dropper.end();
      },
    };
  }
  const dump = new Blob([readFileSync(pgliteTemplateFile())]);
  const pglite = await PGlite.create('memory://', { ...pgliteOptions, loadDataDir: dump });
  const db = kyselyOver(new PGliteDialect({ pglite }));
  return { db, engine: 'pglite', close: () => db.destroy() };
}

