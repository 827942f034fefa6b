import { type Kysely, sql } from 'kysely';

/**
 * Runs a DDL script one statement at a time: PGlite's extended protocol takes one
 * statement per query. Statements are split on semicolons at line ends; `--` comments go.
 */
export async function runScript(db: Kysely<any>, script: string): Promise<void> {
  const statements = script
    .split('\n')
    .map((line) => line.replace(/--.*$/, ''))
    .join('\n')
    .split(/;\s*\n/)
    .map((s) => s.trim().replace(/;$/, ''))
    .filter(Boolean);
  for (const statement of statements) await sql.raw(statement).execute(db);
}
