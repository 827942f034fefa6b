import { sql } from 'kysely';
import { Migrator } from 'kysely/migration';
import type { Db } from './connect';
import { migrations } from './migrations/index';

export interface MigrationStatus {
  applied: { name: string; executedAt: Date }[];
  /** In this version's list, not yet run on the database: the server runs them at start. */
  pending: string[];
  /** Run on the database but unknown to this version (a newer version ran them): this version must not start on it. */
  unknown: string[];
}

/** Which migrations the database has run, without running any (read-only). */
export async function migrationStatus(db: Db): Promise<MigrationStatus> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  const list = await migrator.getMigrations();
  const applied = list.filter((m) => m.executedAt).map((m) => ({ name: m.name, executedAt: m.executedAt! }));
  let unknown: string[] = [];
  if (applied.length > 0) {
    const rows = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(db);
    unknown = rows.rows.map((r) => r.name).filter((name) => !(name in migrations));
  }
  return { applied, pending: list.filter((m) => !m.executedAt).map((m) => m.name), unknown };
}
