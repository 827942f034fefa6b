import { randomUUID } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PGliteDialect, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { Migrator } from 'kysely/migration';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrations } from '../../src/db/migrations';

/**
 * Migrations on a database that already has data. 008_trust, on a database that already has refunds: each existing refund gets the fault
 * its case (or its recorded cause) says, and each answered case its first response time from the
 * timeline. An empty database of its own: PGlite in memory, or a new PostgreSQL database (dropped after)
 * when DATABASE_URL is set.
 */
const serverUrl = process.env.DATABASE_URL;
const databaseName = `kameng_migration_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
let db: Kysely<any>;
let migrator: Migrator;
beforeAll(async () => {
  if (serverUrl) {
    const admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect();
    await admin.query(`create database ${databaseName}`);
    await admin.end();
    const url = new URL(serverUrl);
    url.pathname = `/${databaseName}`;
    db = new Kysely<any>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url.toString(), max: 1 }) }) });
  } else {
    db = new Kysely<any>({ dialect: new PGliteDialect({ pglite: new PGlite('memory://') }) });
  }
  migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
});
afterAll(async () => {
  await db?.destroy();
  if (!serverUrl) return;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`drop database if exists ${databaseName}`);
  await admin.end();
});

const at = new Date('2026-11-01T08:00:00Z');

describe('migration 008_trust', () => {
  it('backfills refunds.fault from the case reason, deciding rule, withdrawal or cause, and merchant_responded_at from the timeline', async () => {
    const before = await migrator.migrateTo('007_risk');
    expect(before.error).toBeUndefined();
    const [user, shop, product] = [randomUUID(), randomUUID(), randomUUID()];
    await sql`insert into users (id, email, password_hash, role, display_name, created_at) values (${user}, 'm@x', 'h', 'merchant', 'm', ${at})`.execute(db);
    await sql`insert into shops (id, owner_id, name, status, created_at) values (${shop}, ${user}, 'S', 'active', ${at})`.execute(db);
    await sql`insert into products (id, shop_id, title, type, price, stock_policy, created_at) values (${product}, ${shop}, 'P', 'card_key', 100, 'keys', ${at})`.execute(db);
    const refunds: Record<string, string> = {};
    const cases: Record<string, string> = {};
    const add = async (name: string, c: { reason: string; status: string; rule: string | null; merchantAction?: string } | null, reason = 'refund') => {
      const order = randomUUID();
      await sql`insert into orders (id, order_no, shop_id, product_id, product_type, title, quantity, unit_price, amount, paid, refunded, status, channel, expires_at, created_at)
        values (${order}, ${`KM${name}`}, ${shop}, ${product}, 'card_key', 'P', 1, 100, 100, 100, 100, 'refunded', 'sandbox', ${at}, ${at})`.execute(db);
      let caseId: string | null = null;
      if (c) {
        caseId = randomUUID();
        cases[name] = caseId;
        await sql`insert into refund_cases (id, order_id, shop_id, reason, description, expected_outcome, amount, item_ids, refund_to, status, route, rule_version, facts, warnings,
            decision_rule_id, merchant_action, created_at, updated_at)
          values (${caseId}, ${order}, ${shop}, ${c.reason}, 'd', 'full_refund', 100, '[]', 'original', ${c.status}, 'to_merchant', 1, '{}', '[]', ${c.rule}, ${c.merchantAction ?? null}, ${at}, ${at})`.execute(db);
        if (c.merchantAction) {
          await sql`insert into order_events (order_id, seq, type, at, actor, data, hash, prev_hash)
            values (${order}, 1, 'case_merchant_response', ${new Date(at.getTime() + 42 * 60_000)}, 'merchant', ${JSON.stringify({ caseId })}::jsonb, 'h', 'p')`.execute(db);
        }
      }
      refunds[name] = randomUUID();
      await sql`insert into refunds (id, order_id, case_id, amount, channel, status, reason, created_at) values (${refunds[name]}, ${order}, ${caseId}, 100, 'sandbox', 'succeeded', ${reason}, ${at})`.execute(db);
    };
    await add('instant', { reason: 'key_invalid', status: 'auto_approved', rule: 'aftersales.instant-refund-window' });
    await add('mistake', { reason: 'buyer_mistake', status: 'approved', rule: 'aftersales.merchant-accepted', merchantAction: 'accept' });
    await add('withdrawn', { reason: 'not_as_described', status: 'withdrawn', rule: null, merchantAction: 'partial' });
    await add('accepted', { reason: 'key_invalid', status: 'approved', rule: 'aftersales.merchant-accepted', merchantAction: 'accept' });
    await add('silence', { reason: 'key_invalid', status: 'approved', rule: 'aftersales.merchant-response' });
    await add('topup', null, '直充失败，全额退款');
    await add('late', null, 'payment arrived after the order expired and the stock was gone');

    const after = await migrator.migrateTo('012_webhooks'); // not further: the 017 test below writes rows in the older shape first
    expect(after.error).toBeUndefined();
    const rows = await sql<{ id: string; fault: string }>`select id, fault from refunds`.execute(db);
    const faultOf = (name: string) => rows.rows.find((r) => r.id === refunds[name])!.fault;
    expect(Object.fromEntries(Object.keys(refunds).map((name) => [name, faultOf(name)]))).toEqual({
      instant: 'buyer', mistake: 'buyer', withdrawn: 'buyer', accepted: 'merchant', silence: 'merchant', topup: 'merchant', late: 'platform',
    });
    const responded = await sql<{ id: string; merchant_responded_at: Date | null }>`select id, merchant_responded_at from refund_cases`.execute(db);
    const respondedAt = (name: string) => responded.rows.find((r) => r.id === cases[name])!.merchant_responded_at;
    expect(respondedAt('accepted')).toEqual(new Date(at.getTime() + 42 * 60_000));
    expect(respondedAt('silence')).toBeNull();
    // New refunds must say whose fault they are: the column has no default.
    await expect(sql`insert into refunds (id, order_id, amount, channel, status, reason, created_at)
      select ${randomUUID()}, order_id, 1, 'sandbox', 'pending', 'x', ${at} from refunds limit 1`.execute(db)).rejects.toThrow(/fault/);
  });
});

describe('migration 017_notification_kinds', () => {
  it('keeps notifications written as text readable: kind legacy_text with the old title, body and kind as params', async () => {
    expect((await migrator.migrateTo('012_webhooks')).error).toBeUndefined(); // where the test above left it: before notifications had kinds
    const [user, note] = [randomUUID(), randomUUID()];
    await sql`insert into users (id, email, password_hash, role, display_name, created_at) values (${user}, 'b017@x', 'h', 'buyer', 'b', ${at})`.execute(db);
    await sql`insert into notifications (id, user_id, kind, title, body, created_at) values (${note}, ${user}, 'refund_arrived', '退款已到账', '订单 K1 的退款 ¥10.00 已原路退回。', ${at})`.execute(db);
    expect((await migrator.migrateToLatest()).error).toBeUndefined();
    const row = await db.selectFrom('notifications').selectAll().where('id', '=', note).executeTakeFirstOrThrow();
    expect(row.kind).toBe('legacy_text');
    expect(typeof row.params === 'string' ? JSON.parse(row.params) : row.params).toEqual({ title: '退款已到账', body: '订单 K1 的退款 ¥10.00 已原路退回。', kind: 'refund_arrived' });
    expect(row).not.toHaveProperty('title');
    const migratedUser = await db.selectFrom('users').select('locale').where('id', '=', user).executeTakeFirstOrThrow();
    expect(migratedUser.locale).toBeNull();
  });
});
