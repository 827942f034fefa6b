import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { useTestApp } from '../support/harness';

const t = useTestApp();

/**
 * A checkout answers with the order as it wrote it (write-behind, db/write-behind.ts), not read back:
 * the answer must be exactly what reading the order gives, and what it wrote behind must be there.
 */
describe('checkout answers from what it wrote', () => {
  it('a wallet checkout answers the delivered order exactly as reading it back does, with its timeline, job and ledger in place', async () => {
    const shop = await t.api.makeShop();
    const product = await t.api.makeProduct(shop, { keys: 3, price: 700 });
    const buyer = await t.api.user('buyer');
    await t.api.fundWallet(buyer, 2_000);
    const created = await t.api.buy(buyer, product.id, { channel: 'balance', quantity: 2 });
    expect(created.order).toMatchObject({ status: 'delivered', paid: 1_400, escrow: 1_400 });
    expect(created.order.autoConfirmAt).not.toBeNull();
    expect(created.order.deliveries).toHaveLength(1);
    expect(created.order).toEqual(await t.api.ok('GET', `/api/orders/${created.order.id}`, { token: buyer.token }));
    const timeline = await t.api.ok('GET', `/api/orders/${created.order.id}/timeline`, { token: buyer.token });
    expect(timeline.events.map((e: { type: string }) => e.type)).toEqual(['created', 'paid', 'delivered']);
    expect(timeline.verified).toBe(true);
    expect(await t.api.wallet(buyer)).toBe(600);
    const check = await t.api.ok('GET', '/api/admin/ledger/check?full=true', { token: (await t.api.user('admin')).token });
    expect(check).toMatchObject({ balanced: true, violations: [] });
  });

  it('a gateway checkout answers the unpaid order as reading it back does; paying it delivers with a verified timeline', async () => {
    const shop = await t.api.makeShop();
    const product = await t.api.makeProduct(shop, { keys: 2, price: 900 });
    const buyer = await t.api.user('buyer');
    const created = await t.api.buy(buyer, product.id);
    expect(created.order).toEqual(await t.api.ok('GET', `/api/orders/${created.order.id}`, { token: buyer.token }));
    const paid = await t.api.pay(created.payment.id);
    expect(paid).toMatchObject({ replayed: false, orderStatus: 'delivered' });
    const again = await t.api.pay(created.payment.id);
    expect(again).toMatchObject({ replayed: true });
    const order = await t.api.ok('GET', `/api/orders/${created.order.id}`, { token: buyer.token });
    expect(order).toMatchObject({ status: 'delivered', paid: 900, items: [{ status: 'delivered' }] });
    const timeline = await t.api.ok('GET', `/api/orders/${created.order.id}/timeline`, { token: buyer.token });
    expect(timeline.events.map((e: { type: string }) => e.type)).toEqual(['created', 'paid', 'delivered']);
    expect(timeline.verified).toBe(true);
  });

  it('two checkouts that draw the same order number: the second draws again instead of failing', async () => {
    const shop = await t.api.makeShop();
    const product = await t.api.makeProduct(shop, { keys: 2, price: 300 });
    const buyer = await t.api.user('buyer');
    const first = await t.api.buy(buyer, product.id);
    // The next order insert proposes the first order's number once (a sequence is not rolled back
    // with the transaction that clashed), as a same-second draw of the same six digits would.
    const db = t.kameng.ctx.db;
    await sql`create sequence clash_once`.execute(db);
    await sql`create function clash_once() returns trigger language plpgsql as $$
      begin
        if nextval('clash_once') = 1 then new.order_no := ${sql.lit(first.order.orderNo)}; end if;
        return new;
      end $$`.execute(db);
    await sql`create trigger clash_once before insert on orders for each row execute function clash_once()`.execute(db);
    try {
      const second = await t.api.buy(buyer, product.id);
      expect(second.order.orderNo).not.toBe(first.order.orderNo);
      expect(Number((await sql<{ n: string }>`select last_value as n from clash_once`.execute(db)).rows[0].n)).toBe(2);
      expect(second.order).toEqual(await t.api.ok('GET', `/api/orders/${second.order.id}`, { token: buyer.token }));
    } finally {
      await sql`drop trigger clash_once on orders`.execute(db);
    }
  });
});
