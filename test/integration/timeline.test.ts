import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { useTestApp } from '../support/harness';

const t = useTestApp();

async function completedOrder() {
  const shop = await t.api.makeShop();
  const product = await t.api.makeProduct(shop, { keys: 1 });
  const buyer = await t.api.user('buyer');
  const order = await t.api.buyAndPay(buyer, product.id);
  await t.api.ok('POST', `/api/orders/${order.id}/keys/reveal`, { token: buyer.token, headers: { 'user-agent': 'timeline-test/1.0' } });
  await t.api.ok('POST', `/api/orders/${order.id}/confirm`, { token: buyer.token });
  return { shop, buyer, order };
}

describe('the order timeline (hash-chained)', () => {
  it('records created → paid → delivered → keys_revealed → confirmed → settled, each linked to the one before, verified', async () => {
    const { buyer, order } = await completedOrder();
    const { events, verified } = await t.api.ok('GET', `/api/orders/${order.id}/timeline`, { token: buyer.token });
    expect(events.map((e: any) => e.type)).toEqual(['created', 'paid', 'delivered', 'keys_revealed', 'confirmed', 'settled']);
    expect(verified).toBe(true);
    expect(events[0].prevHash).toBe('0'.repeat(64));
    events.forEach((event: any, i: number) => {
      expect(event.seq).toBe(i + 1);
      expect(event.hash).toMatch(/^[0-9a-f]{64}$/);
      if (i > 0) {
        expect(event.prevHash).toBe(events[i - 1].hash);
        expect(Date.parse(event.at)).toBeGreaterThanOrEqual(Date.parse(events[i - 1].at));
      }
    });
    expect(new Set(events.map((e: any) => e.hash)).size).toBe(events.length);
    // The events carry the facts a dispute needs.
    expect(events[0].data).toMatchObject({ orderNo: order.orderNo, amount: order.amount, quantity: 1 });
    expect(events[1].data).toMatchObject({ amount: order.amount, channel: 'sandbox', late: false });
    expect(events[3].data).toMatchObject({ userAgent: 'timeline-test/1.0' });
    expect(events[3].data.consent).toContain('拆封');
    expect(events[5].data).toMatchObject({ trigger: 'buyer_confirmed', amount: order.amount, fee: 20 });
  });

  it("staff see the buyer's verified timeline; the merchant sees the same events with the buyer's device masked", async () => {
    const { shop, buyer, order } = await completedOrder();
    const staff = await t.api.user('staff');
    const mine = await t.api.ok('GET', `/api/orders/${order.id}/timeline`, { token: buyer.token });
    expect(await t.api.ok('GET', `/api/orders/${order.id}/timeline`, { token: staff.token })).toEqual(mine);
    const merchants = await t.api.ok('GET', `/api/orders/${order.id}/timeline`, { token: shop.merchant.token });
    expect(merchants.verified).toBe(true);
    expect(merchants.events.map((e: any) => [e.seq, e.type, e.hash])).toEqual(mine.events.map((e: any) => [e.seq, e.type, e.hash]));
    const reveal = (events: any[]) => events.find((e) => e.type === 'keys_revealed').data;
    expect(reveal(mine.events).userAgent).toBe('timeline-test/1.0');
    expect(reveal(merchants.events).userAgent).toBe('timeline-test/1.0 …');
    expect(reveal(merchants.events).ip).toMatch(/\*$/);
    expect(reveal(merchants.events).ip).not.toBe(reveal(mine.events).ip);
  });

  it('a second reveal adds no event: only the first reveal is logged', async () => {
    const { buyer, order } = await completedOrder();
    await t.api.ok('POST', `/api/orders/${order.id}/keys/reveal`, { token: buyer.token });
    const { events } = await t.api.ok('GET', `/api/orders/${order.id}/timeline`, { token: buyer.token });
    expect(events.filter((e: any) => e.type === 'keys_revealed')).toHaveLength(1);
    const reveals = await t.kameng.ctx.db.selectFrom('key_reveals').select(['ip', 'user_agent', 'consent_text']).where('order_id', '=', order.id).execute();
    expect(reveals).toHaveLength(1);
    expect(reveals[0].user_agent).toBe('timeline-test/1.0');
  });

  it('editing an event\'s data in the database makes the timeline unverified', async () => {
    const { buyer, order } = await completedOrder();
    await sql`update order_events set data = jsonb_set(data, '{amount}', '1'::jsonb) where order_id = ${order.id} and type = 'paid'`.execute(t.kameng.ctx.db);
    const { verified, events } = await t.api.ok('GET', `/api/orders/${order.id}/timeline`, { token: buyer.token });
    expect(events[1].data.amount).toBe(1);
    expect(verified).toBe(false);
  });

  it('re-hashing an edited event does not help: the next link breaks', async () => {
    const { buyer, order } = await completedOrder();
    const { eventHash } = await import('../../src/timeline/timeline');
    const db = t.kameng.ctx.db;
    const row = await db.selectFrom('order_events').selectAll().where('order_id', '=', order.id).where('seq', '=', 3).executeTakeFirstOrThrow();
    const forged = { seq: row.seq, type: row.type, at: row.at.toISOString(), actor: row.actor, data: { ...row.data, keyCount: 0 }, prevHash: row.prev_hash };
    await db.updateTable('order_events').set({ data: JSON.stringify(forged.data), hash: eventHash(order.id, forged) })
      .where('order_id', '=', order.id).where('seq', '=', 3).execute();
    expect((await t.api.ok('GET', `/api/orders/${order.id}/timeline`, { token: buyer.token })).verified).toBe(false);
  });

  it('deleting an event in the database makes the timeline unverified', async () => {
    const { buyer, order } = await completedOrder();
    await t.kameng.ctx.db.deleteFrom('order_events').where('order_id', '=', order.id).where('type', '=', 'keys_revealed').execute();
    expect((await t.api.ok('GET', `/api/orders/${order.id}/timeline`, { token: buyer.token })).verified).toBe(false);
  });

  it('an untouched timeline of another order stays verified after one order is tampered with', async () => {
    const tampered = await completedOrder();
    const clean = await completedOrder();
    await sql`update order_events set actor = 'system' where order_id = ${tampered.order.id} and type = 'confirmed'`.execute(t.kameng.ctx.db);
    expect((await t.api.ok('GET', `/api/orders/${tampered.order.id}/timeline`, { token: tampered.buyer.token })).verified).toBe(false);
    expect((await t.api.ok('GET', `/api/orders/${clean.order.id}/timeline`, { token: clean.buyer.token })).verified).toBe(true);
  });

  it('a top-up timeline records the request, the supplier callback and the refund, and verifies', async () => {
    const shop = await t.api.makeShop();
    const product = await t.api.makeProduct(shop, { type: 'topup', price: 2_000 });
    const buyer = await t.api.user('buyer');
    const order = await t.api.buyAndPay(buyer, product.id, { topupAccount: 'player_7' });
    await t.api.ok('POST', `/api/sandbox/topups/${order.id}/respond`, { body: { result: 'partial', deliveredAmount: 500 } });
    await t.api.advance(14 * 24 * 60);
    const { events, verified } = await t.api.ok('GET', `/api/orders/${order.id}/timeline`, { token: buyer.token });
    const types = events.map((e: any) => e.type);
    expect(types.slice(0, 6)).toEqual(['created', 'paid', 'topup_requested', 'topup_callback', 'refund_created', 'delivered']);
    // Settlement (24 h) and refund arrival (1 business day) may fall on the same moment: either order is right.
    expect([...types.slice(6)].sort()).toEqual(['refund_arrived', 'settled']);
    expect(events.find((e: any) => e.type === 'refund_created').data).toMatchObject({ amount: 1_500, channel: 'sandbox' });
    expect(verified).toBe(true);
  });
});
