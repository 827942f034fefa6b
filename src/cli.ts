import path from 'node:path';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { createUser } from './accounts/users';
import { type Config, loadConfig, StartupError } from './config';
import type { Ctx } from './context';
import { type Database, migrate, openDatabase } from './db/connect';
import type { Role } from './db/schema';
import { checkLedger } from './ledger/check';
import { RuleBook } from './rules/rule-sets';
import { Clock } from './shared/clock';
import { SecretBox } from './shared/secret-box';
import { readTimeline, verifyChain } from './timeline/timeline';
import { sandboxRuleValues } from './rules/defaults';

const usage = `Kameng CLI — npm run kameng -- <command> [options]

  create-user --email E --password P --role staff|admin|merchant|buyer [--name N]
  ledger-check                     verify every ledger invariant (exit 1 on a violation)
  verify-timeline [--order ID]     recompute the hash chains of one order, or of every order

Uses the same configuration as the server (DATABASE_URL, KAMENG_DATA_DIR, KAMENG_SECRET).`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === 'help' || command === '--help') {
    console.log(usage);
    return command ? 0 : 2;
  }
  const { values } = parseArgs({
    args: rest, strict: true,
    options: { email: { type: 'string' }, password: { type: 'string' }, role: { type: 'string' }, name: { type: 'string' }, order: { type: 'string' } },
  });
  let config: Config;
  let database: Database;
  try {
    config = loadConfig();
    // Refuses while a server holds the PGlite folder: PGlite is single-process, so a user created here would be lost.
    database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: path.join(config.dataDir, 'pglite'), poolSize: 2 });
  } catch (error) {
    if (!(error instanceof StartupError)) throw error;
    console.error(`kameng: ${error.message}`);
    return 1;
  }
  try {
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
        const report = await checkLedger(database.db);
        console.log(JSON.stringify(report, null, 2));
        return report.balanced ? 0 : 1;
      }
      case 'verify-timeline': {
        const orders = values.order ? [{ id: values.order }] : await database.db.selectFrom('orders').select('id').execute();
        let broken = 0;
        for (const { id } of orders) {
          const result = verifyChain(id, await readTimeline(database.db, id));
          if (!result.valid) { broken += 1; console.log(`order ${id}: chain broken at event ${result.brokenAt}`); }
        }
        console.log(`${orders.length - broken} of ${orders.length} order timelines verify`);
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

process.exitCode = await main(process.argv.slice(2));
