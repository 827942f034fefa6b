import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { checkLedger } from '../../src/ledger/check';
import { appendEvent } from '../../src/timeline/timeline';
import { verifyAllTimelines } from '../../src/timeline/verify-all';
import { engine } from '../support/databases';
import { useTestApp } from '../support/harness';

// The ledger test below corrupts the ledger on purpose; the counters test checks it explicitly.
const t = useTestApp({ checkLedgerAfterEach: false });

/** Every trigger-kept counter (migration 019) against a recount from the rows it summarises. */
async function countersAgainstRecount() {
  const db = t.kameng.ctx.db;
  const stock = await sql<{ product_id: string; counted: string; kept: string }>`
    select p.id as product_id,
      (select count(*) from card_keys k where k.product_id = p.id and k.status = 'available') as counted,
      coalesce((select sum(available) from product_stock s where s.product_id = p.id), 0) as kept
    from products p`.execute(db);
  const escrow = await sql<{ shop_id: string; counted: string; kept: string }>`
    select s.id as shop_id,
      coalesce((select sum(paid - refunded - settled) from orders o where o.shop_id = s.id), 0) as counted,
      coalesce((select sum(amount) from shop_escrow e where e.shop_id = s.id), 0) as kept
    from shops s`.execute(db);
  const days = await sql<{ shop_id: string; day: string; counted: string; kept: string }>`
    with counted as (
      select shop_id, (created_at at time zone 'UTC')::date as day, count(*) as paid,
        count(*) filter (where exists (select 1 from refunds r where r.order_id = o.id and r.fault = 'merchant')) as refunded
      from orders o where paid > 0 group by 1, 2),
    kept as (select shop_id, day, sum(paid_orders) as paid, sum(fault_refunded_orders) as refunded from shop_order_days group by 1, 2)
    select coalesce(c.shop_id, k.shop_id) as shop_id, coalesce(c.day, k.day)::text as day,
      concat(coalesce(c.paid, 0), '/', coalesce(c.refunded, 0)) as counted, concat(coalesce(k.paid, 0), '/', coalesce(k.refunded, 0)) as kept
    from counted c full join kept k on k.shop_id = c.shop_id and k.day = c.day`.execute(db);
  const differ = <T extends { counted: string; kept: string }>(rows: T[]) => rows.filter((r) => Number.isNaN(Number(r.counted)) ? r.counted !== r.kept : Number(r.counted) !== Number(r.kept));
  return { stock: stock.rows, stockDiffers: differ(stock.rows), escrowDiffers: differ(escrow.rows), daysDiffer: differ(days.rows), days: days.rows };
}

describe('counters the catalogue and balances read (migration 019)', () => {
  it('stock, escrow and paid/refunded days stay equal to a recount under concurrent checkouts, imports, cancellations and fault re-attribution', async () => {
    const shop = await t.api.makeShop();
    const product = await t.api.makeProduct(shop, { keys: 15, price: 300 });
    const buyers = await Promise.all(Array.from({ length: 24 }, () => t.api.user('buyer')));
    const imports = Array.from({ length: 3 }, () => Array.from({ length: 5 }, () => `KEY-${randomUUID()}`));

    // 24 buyers race for the keys while three imports land; every third order is cancelled unpaid,
    // which gives its key back. Whatever interleaving happens, the counter must match the rows.
    const outcomes = await Promise.all([
      ...buyers.map(async (buyer, i) => {
        const created = await t.api.call('POST', '/api/orders', {
          token: buyer.token, headers: { 'idempotency-key': randomUUID() }, body: { productId: product.id, quantity: 1, channel: 'sandbox' },
        });
        if (created.status !== 201) return created.body.error.code as string;
        if (i % 3 === 0) {
          await t.api.ok('POST', `/api/orders/${created.body.order.id}/cancel`, { token: buyer.token });
          return 'cancelled';
        }
        await t.api.pay(created.body.payment.id);
        return 'paid';
      }),
      ...imports.map(async (keys) => {
        await t.api.ok('POST', `/api/products/${product.id}/keys`, { token: shop.merchant.token, body: { keys } });
        return 'imported';
      }),
    ]);
    expect(outcomes.filter((o) => o === 'imported')).toHaveLength(3);
    expect(outcomes.filter((o) => o === 'paid').length).toBeGreaterThan(0);
    expect(outcomes.every((o) => ['imported', 'paid', 'cancelled', 'OUT_OF_STOCK'].includes(o))).toBe(true);

    const after = await countersAgainstRecount();
    expect(after.stockDiffers).toEqual([]);
    expect(after.escrowDiffers).toEqual([]);
    expect(after.daysDiffer).toEqual([]);
    const paid = outcomes.filter((o) => o === 'paid').length;
    const mine = after.stock.find((s) => s.product_id === product.id)!;
    expect(Number(mine.kept)).toBe(30 - paid);
    expect((await t.api.ok('GET', `/api/products/${product.id}`)).stock).toBe(30 - paid);
    expect((await t.api.balance(shop)).escrow).toBe(paid * 300);

    // A merchant-fault refund counts its order as refunded; re-attributing it to the buyer takes it back out.
    const order = await t.kameng.ctx.db.selectFrom('orders').select(['id', 'created_at']).where('product_id', '=', product.id).where('paid', '>', 0).executeTakeFirstOrThrow();
    const refundId = randomUUID();
    await t.kameng.ctx.db.insertInto('refunds').values({
      id: refundId, order_id: order.id, case_id: null, amount: 1, channel: 'sandbox', status: 'succeeded', reason: 'test', expected_by: null,
      created_at: new Date(), completed_at: new Date(), fault: 'merchant',
    } as never).execute();
    const refunded = await countersAgainstRecount();
    expect(refunded.daysDiffer).toEqual([]);
    expect(refunded.days.find((d) => d.shop_id === shop.shopId)?.kept).toBe(`${paid}/1`);
    await t.kameng.ctx.db.updateTable('refunds').set({ fault: 'buyer' }).where('id', '=', refundId).execute();
    const reattributed = await countersAgainstRecount();
    expect(reattributed.daysDiffer).toEqual([]);
    expect(reattributed.days.find((d) => d.shop_id === shop.shopId)?.kept).toBe(`${paid}/0`);
    await t.kameng.ctx.db.deleteFrom('refunds').where('id', '=', refundId).execute();
    expect((await checkLedger(t.kameng.ctx.db)).violations).toEqual([]);
  });
});

describe('review stats the trust facts read (migration 027)', () => {
  /** shop_review_stats against a recount of reviews, for every shop that has either. */
  async function reviewStatsDiffer() {
    const { rows } = await sql<{ shop_id: string; counted: string; kept: string }>`
      with counted as (select shop_id, count(*) as n, sum(rating) as stars from reviews group by shop_id)
      select coalesce(c.shop_id, k.shop_id) as shop_id, concat(coalesce(c.n, 0), '/', coalesce(c.stars, 0)) as counted,
        concat(coalesce(k.reviews, 0), '/', coalesce(k.stars, 0)) as kept
      from counted c full join shop_review_stats k on k.shop_id = c.shop_id`.execute(t.kameng.ctx.db);
    return rows.filter((r) => r.counted !== r.kept);
  }

  it('reviews counted and summed per shop stay equal to a recount through concurrent reviews, an edit and a removal, and the shop page reads them', async () => {
    const shops = [await t.api.makeShop(), await t.api.makeShop()];
    const products = await Promise.all(shops.map((shop) => t.api.makeProduct(shop, { keys: 4 })));
    const ratings = [5, 4, 2, 1, 3, 5];
    // Six completed orders over the two shops, reviewed at the same time.
    const orders = await Promise.all(ratings.map(async (rating, i) => {
      const buyer = await t.api.user('buyer');
      const order = await t.api.buyAndPay(buyer, products[i % 2].id);
      await t.api.ok('POST', `/api/orders/${order.id}/confirm`, { token: buyer.token });
      return { buyer, order, rating };
    }));
    await Promise.all(orders.map(({ buyer, order, rating }) =>
      t.api.ok('POST', `/api/orders/${order.id}/review`, { token: buyer.token, body: { rating, comment: `${rating} 星` } })));
    expect(await reviewStatsDiffer()).toEqual([]);
    // Shop 0 has 5, 2, 3 → 3.3; shop 1 has 4, 1, 5 → 3.3.
    expect((await t.api.ok('GET', `/api/shops/${shops[0].shopId}`)).merchant).toMatchObject({ rating: 3.3, ratingCount: 3 });

    // Neither happens through the API today; the trigger keeps the stats right if an operator does it.
    const db = t.kameng.ctx.db;
    await db.updateTable('reviews').set({ rating: 5 }).where('order_id', '=', orders[2].order.id).execute();
    await db.deleteFrom('reviews').where('order_id', '=', orders[4].order.id).execute();
    expect(await reviewStatsDiffer()).toEqual([]);
    // Shop 0 now has 5 and 5.
    expect((await t.api.ok('GET', `/api/shops/${shops[0].shopId}`)).merchant).toMatchObject({ rating: 5, ratingCount: 2 });
  });
});

describe('incremental ledger check', () => {
  it('reads only new postings after the first check, still finds a new unbalanced entry and a drifted balance, and refuses edits to summed postings', async () => {
    const db = t.kameng.ctx.db;
    const shop = await t.api.makeShop();
    const product = await t.api.makeProduct(shop, { keys: 3, price: 1_000 });
    const order = await t.api.buyAndPay(await t.api.user('buyer'), product.id);
    const first = await checkLedger(db, { full: true });
    expect(first).toMatchObject({ balanced: true, mode: 'full' });
    const allPostings = Number((await sql<{ n: string }>`select count(*) as n from postings`.execute(db)).rows[0].n);
    expect(first.postingsRead).toBe(allPostings);

    const { watermark } = await db.selectFrom('ledger_check_state').select(sql<string>`watermark::text`.as('watermark')).executeTakeFirstOrThrow();
    await t.api.buyAndPay(await t.api.user('buyer'), product.id);
    const second = await checkLedger(db);
    expect(second).toMatchObject({ balanced: true, mode: 'incremental' });
    // It read exactly the postings at or above the first check's watermark (that snapshot's xmin). On
    // PGlite nothing else runs, so that is only the new purchase's; a shared PostgreSQL cluster's
    // oldest open transaction (any database's) can hold the watermark back, never skip a posting.
    const sinceWatermark = Number((await sql<{ n: string }>`select count(*) as n from postings where tx >= ${watermark}::xid8`.execute(db)).rows[0].n);
    expect(second.postingsRead).toBe(sinceWatermark);
    expect(second.postingsRead).toBeGreaterThan(0);
    if (engine() === 'pglite') expect(second.postingsRead).toBeLessThan(allPostings);

    // Money from nowhere, written behind the ledger's back after the last check.
    const entryId = randomUUID();
    await db.insertInto('journal_entries').values({ id: entryId, kind: 'corruption', memo: 'test', order_id: null, shop_id: null, created_at: new Date() }).execute();
    await db.insertInto('postings').values([
      { entry_id: entryId, account_id: 'clearing:sandbox', amount: -100 },
      { entry_id: entryId, account_id: `escrow:${order.id}`, amount: 101 },
    ]).execute();
    const corrupt = await checkLedger(db);
    expect(corrupt.mode).toBe('incremental');
    expect(corrupt.violations).toContainEqual({ invariant: 'entry_balances', subject: entryId, detail: { total: 1 } });
    expect(corrupt.violations).toContainEqual(expect.objectContaining({ invariant: 'tracked_balance_matches_postings' }));
    // Still found by the next incremental check (the entry is summed whole again) and by a full one.
    expect((await checkLedger(db)).violations).toContainEqual(expect.objectContaining({ invariant: 'tracked_balance_matches_postings' }));
    expect((await checkLedger(db, { full: true })).violations).toContainEqual(expect.objectContaining({ invariant: 'tracked_balance_matches_postings' }));

    // What an incremental check could not see — an already summed posting changed — the database refuses.
    await expect(sql`update postings set amount = amount + 1 where entry_id = ${entryId}`.execute(db)).rejects.toThrow(/append-only/);
    await expect(sql`delete from journal_entries where id = ${entryId}`.execute(db)).rejects.toThrow(/append-only/);

    const drift = `merchant_deposit:${shop.shopId}`;
    await sql`update ledger_accounts set balance = balance + 1 where id = ${drift}`.execute(db);
    expect((await checkLedger(db)).violations).toContainEqual(expect.objectContaining({ invariant: 'tracked_balance_matches_postings', subject: drift }));
  });
});

describe('streamed timeline verification', () => {
  it('verifies every order in batches that split no order, and names the order whose event was altered', async () => {
    const db = t.kameng.ctx.db;
    const shop = await t.api.makeShop();
    const product = await t.api.makeProduct(shop, { keys: 3, price: 500 });
    for (let i = 0; i < 3; i += 1) await t.api.buyAndPay(await t.api.user('buyer'), product.id);
    const orders = Number((await sql<{ n: string }>`select count(*) as n from orders`.execute(db)).rows[0].n);
    const events = Number((await sql<{ n: string }>`select count(*) as n from order_events`.execute(db)).rows[0].n);
    // Each event travels as a line of JSON values: text with newlines, commas and quotes stays one line.
    const awkward = (await db.selectFrom('orders').select('id').executeTakeFirstOrThrow()).id;
    await db.transaction().execute((tx) => appendEvent(tx, awkward, 'note,"x"\n', {
      actor: 'staff:a,b\n"c"', at: new Date(), data: { text: 'line one\nline two, "quoted" \\ end', n: [1, 2.5, -0], nested: { z: null, a: '\u2028' } },
    }));
    for (const batch of [2, 3, 1000]) {
      expect(await verifyAllTimelines(db, () => {}, batch)).toEqual({ orders, broken: 0, events: events + 1 });
    }
    const victim = (await db.selectFrom('order_events').select(['order_id', 'seq']).where('seq', '=', 2).where('order_id', '<>', awkward).executeTakeFirstOrThrow());
    await sql`update order_events set data = '{"tampered":true}' where order_id = ${victim.order_id} and seq = 2`.execute(db);
    // Data emptied to {} is caught as well, and a hash altered to hold a newline is reported, not a crash.
    const emptied = (await db.selectFrom('order_events').select('order_id').where('seq', '=', 1).where('order_id', 'not in', [victim.order_id, awkward])
      .where(sql<boolean>`data <> '{}'::jsonb`).executeTakeFirstOrThrow()).order_id;
    await sql`update order_events set data = '{}' where order_id = ${emptied} and seq = 1`.execute(db);
    await sql`update order_events set hash = hash || e'\n' where order_id = ${awkward} and seq = 1`.execute(db);
    const broken: Array<[string, number | undefined]> = [];
    expect(await verifyAllTimelines(db, (id, at) => broken.push([id, at]), 2)).toMatchObject({ orders, broken: 3 });
    expect(broken.sort()).toEqual([[victim.order_id, 2], [emptied, 1], [awkward, 1]].sort());
  });
});
