import path from 'node:path';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { createUser } from './accounts/users';
import { type Config, loadConfig, StartupError } from './config';
import type { Ctx } from './context';
import { backupPglite, backupPostgres, restorePglite, restorePostgres } from './db/backup';
import { type Database, migrate, openDatabase } from './db/connect';
import { migrationStatus } from './db/migration-status';
import type { Role } from './db/schema';
import { checkLedger } from './ledger/check';
import { RuleBook } from './rules/rule-sets';
import { Clock } from './shared/clock';
import { SecretBox } from './shared/secret-box';
import { readTimeline, verifyChain } from './timeline/timeline';
import { verifyAllTimelines } from './timeline/verify-all';
import { sandboxRuleValues } from './rules/defaults';

const usage = `Kameng CLI — npm run kameng -- <command> [options]

  create-user --email E --password P --role staff|admin|merchant|buyer [--name N]
  ledger-check [--full]            verify every ledger invariant from the last check on (exit 1 on a violation);
                                   --full re-reads every posting
  verify-timeline [--order ID]     recompute the hash chains of one order, or of every order
  migrate status                   list applied and pending migrations (changes nothing; exit 1 if any is pending)
  migrate up                       apply the pending migrations (the server also does this at start)
  backup <file>                    PGlite: a gzipped dump of the data folder (server stopped);
                                   PostgreSQL: pg_dump --format=custom (needs pg_dump on PATH)
  restore <file>                   PGlite: replaces the data folder (server stopped; the old folder is kept
                                   beside it); PostgreSQL: pg_restore --clean into DATABASE_URL (needs pg_restore)

Uses the same configuration as the server (DATABASE_URL, KAMENG_DATA_DIR, KAMENG_SECRET).`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === 'help' || command === '--help') {
    console.log(usage);
    return command ? 0 : 2;
  }
  const { values, positionals } = parseArgs({
    args: rest, strict: true, allowPositionals: true,
    options: { email: { type: 'string' }, password: { type: 'string' }, role: { type: 'string' }, name: { type: 'string' }, order: { type: 'string' }, full: { type: 'boolean' } },
  });
  let config: Config;
  let database: Database;
  try {
    config = loadConfig();
    const fileCommand = await runFileCommand(command, positionals, config);
    if (fileCommand !== undefined) return fileCommand;
    // Refuses while a server holds the PGlite folder: PGlite is single-process, so a user created here would be lost.
    database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: path.join(config.dataDir, 'pglite'), poolSize: 2 });
  } catch (error) {
    if (!(error instanceof StartupError)) throw error;
    console.error(`kameng: ${error.message}`);
    return 1;
  }
  try {
    if (command === 'migrate') return await migrateCommand(database, positionals[0]);
    await migrate(database.db);
    const ctx = {
      config, db: database.db, engine: database.engine, clock: new Clock(false), rules: new RuleBook(database.db, config.sandbox ? sandboxRuleValues : {}),
      box: new SecretBox(config.secret), log: pino({ level: 'warn' }),
    } as Ctx;
    switch (command) {
      case 'create-user': {
        const roles: Role[] = ['buyer', 'merchant', 'staff', 'admin'];
        if (!values.email || !values.password || !roles.includes(values.role as Role)) {
          console.error('create-user needs --email, --password (8+ characters) and --role staff|admin|merchant|buyer');
          return 2;
        }
        if (values.password.length < 8) { console.error('the password needs at least 8 characters'); return 2; }
        const user = await createUser(ctx, { email: values.email, password: values.password, role: values.role as Role, displayName: values.name });
        console.log(`created ${user.role} ${user.email} (${user.id})`);
        return 0;
      }
      case 'ledger-check': {
        const report = await checkLedger(database.db, { full: values.full ?? false });
        console.log(JSON.stringify(report, null, 2));
        return report.balanced ? 0 : 1;
      }
      case 'verify-timeline': {
        const report = (orderId: string, brokenAt: number | undefined) => console.log(`order ${orderId}: chain broken at event ${brokenAt}`);
        let orders = 1;
        let broken = 0;
        if (values.order) {
          const result = verifyChain(values.order, await readTimeline(database.db, values.order));
          if (!result.valid) { broken = 1; report(values.order, result.brokenAt); }
        } else {
          ({ orders, broken } = await verifyAllTimelines(database.db, report));
        }
        console.log(`${orders - broken} of ${orders} order timelines verify`);
        return broken === 0 ? 0 : 1;
      }
      default:
        console.error(`unknown command ${command}\n\n${usage}`);
        return 2;
    }
  } catch (error) {
    console.error((error as Error).message);
    return 1;
  } finally {
    await database.close();
  }
}

const pgliteDir = (config: Config) => path.join(config.dataDir, 'pglite');

/** backup / restore: they open (or replace) the database themselves. Undefined for any other command. */
async function runFileCommand(command: string, positionals: string[], config: Config): Promise<number | undefined> {
  if (command !== 'backup' && command !== 'restore') return undefined;
  const file = positionals[0];
  if (!file || positionals.length > 1) {
    console.error(`${command} needs one file: npm run kameng -- ${command} <file>`);
    return 2;
  }
  const target = path.resolve(file);
  if (command === 'backup') {
    if (config.databaseUrl) {
      backupPostgres(config.databaseUrl, target);
      console.log(`backed up PostgreSQL to ${target} (pg_dump custom format)`);
      return 0;
    }
    const database = await openDatabase({ dataDir: pgliteDir(config), poolSize: 1 });
    try {
      const bytes = await backupPglite(database, target);
      console.log(`backed up the PGlite database in ${pgliteDir(config)} to ${target} (${bytes} bytes)`);
    } finally {
      await database.close();
    }
    console.log(`note: evidence files${config.evidenceS3 ? ' (in S3)' : ` under ${config.dataDir}`} and KAMENG_SECRET are not in the backup; keep them too`);
    return 0;
  }
  if (config.databaseUrl) {
    restorePostgres(config.databaseUrl, target);
    console.log(`restored ${target} into PostgreSQL`);
    return 0;
  }
  const { previous, status } = await restorePglite(pgliteDir(config), target);
  console.log(`restored ${target} into ${pgliteDir(config)}${previous ? `; the folder that was there is now ${previous}` : ''}`);
  console.log(`migrations: ${status.applied.length} applied, ${status.pending.length} pending (the server applies them at start)`);
  return 0;
}

async function migrateCommand(database: Database, sub: string | undefined): Promise<number> {
  if (sub === 'up') {
    const before = await migrationStatus(database.db);
    await migrate(database.db);
    console.log(before.pending.length ? `applied ${before.pending.join(', ')}` : 'nothing to apply: the schema is up to date');
    return 0;
  }
  if (sub !== 'status') {
    console.error('migrate needs status or up');
    return 2;
  }
  const status = await migrationStatus(database.db);
  for (const m of status.applied) console.log(`applied  ${m.name}  ${m.executedAt.toISOString()}`);
  for (const name of status.pending) console.log(`pending  ${name}`);
  for (const name of status.unknown) console.log(`unknown  ${name}  (applied by a newer version of Kameng)`);
  console.log(`${status.applied.length} applied, ${status.pending.length} pending${status.unknown.length ? `, ${status.unknown.length} unknown` : ''}`);
  return status.pending.length === 0 && status.unknown.length === 0 ? 0 : 1;
}

process.exitCode = await main(process.argv.slice(2));
