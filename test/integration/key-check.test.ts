import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import type { KeyChecker, KeyCheckAnswer } from '../../src/aftersales/key-check';
import { fileCase, stockOf } from '../support/aftersales';
import { useTestApp } from '../support/harness';

const t = useTestApp();

/** A card-key product naming a key checker, one key with the given code, bought, paid and revealed. */
async function keyOrder(code: string, keyChecker: string | null = 'sandbox') {
  const shop = await t.api.makeShop();
  const product = await t.api.ok('POST', '/api/products', {
    token: shop.merchant.token, body: { shopId: shop.shopId, title: `Card ${randomUUID().slice(0, 6)}`, type: 'card_key', price: 1_000, ...(keyChecker ? { keyChecker } : {}) },
  });
  expect(product.keyChecker).toBe(keyChecker);
  await t.api.ok('POST', `/api/products/${product.id}/keys`, { token: shop.merchant.token, body: { keys: [code] } });
  const buyer = await t.api.user('buyer');
  const order = await t.api.buyAndPay(buyer, product.id);
  await t.api.ok('POST', `/api/orders/${order.id}/keys/reveal`, { token: buyer.token });
  await t.api.advance(10); // past the 秒退 window: only the key check can decide now
  return { shop, product, buyer, order };
}

describe('key checker (第三方佐证)', () => {
  it('a key redeemed before the sale decides the claim for the buyer at once, citing the rule, and never returns to stock', async () => {
    const { product, buyer, order } = await keyOrder(`GAME-used-before-sale-${randomUUID()}`);
    const res = await fileCase(t.api, buyer, order.id, {});
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: 'auto_approved', decision: { outcome: 'refund', amount: 1_000, ruleId: 'aftersales.key-redeemed-before-sale', decidedBy: 'system' } });
    const [check] = res.body.systemEvidence.keyCheck;
    expect(check).toMatchObject({ checker: 'sandbox', result: 'redeemed', redeemedBeforeDelivery: true });
    expect(new Date(check.redeemedAt).getTime()).toBeLessThan(new Date(order.deliveredAt).getTime());
    expect(await stockOf(t.api, product.id)).toBe(0);
    const after = await t.api.ok('GET', `/api/orders/${order.id}`, { token: buyer.token });
    expect(after).toMatchObject({ status: 'refunded', refunded: 1_000 });
    const timeline = await t.api.ok('GET', `/api/orders/${order.id}/timeline`, { token: buyer.token });
    expect(timeline.events.map((e: { type: string }) => e.type)).toEqual(expect.arrayContaining(['key_checked', 'case_decided']));
    expect(timeline.verified).toBe(true);
  });

  it('a key redeemed a minute after delivery is evidence against the claim: the case goes to the merchant with it', async () => {
    const { buyer, order, shop } = await keyOrder(`GAME-used-after-sale-${randomUUID()}`);
    const res = await fileCase(t.api, buyer, order.id, {});
    expect(res.status).toBe(201);
    expect(res.body.status).toBe('awaiting_merchant');
    expect(res.body.decision).toBeNull();
    const [check] = res.body.systemEvidence.keyCheck;
    expect(check).toMatchObject({ result: 'redeemed', redeemedBeforeDelivery: false });
    expect(new Date(check.redeemedAt).getTime()).toBe(new Date(order.deliveredAt).getTime() + 60_000);
    const seenByMerchant = await t.api.ok('GET', `/api/refund-cases/${res.body.id}`, { token: shop.merchant.token });
    expect(seenByMerchant.systemEvidence.notes.join(' ')).toContain('发货之后被兑换');
  });

  it('an unused key is recorded as unused and the claim goes to the merchant', async () => {
    const { buyer, order } = await keyOrder(`GAME-${randomUUID()}`);
    const res = await fileCase(t.api, buyer, order.id, {});
    expect(res.status).toBe(201);
    expect(res.body.status).toBe('awaiting_merchant');
    expect(res.body.systemEvidence.keyCheck).toEqual([expect.objectContaining({ result: 'unused', redeemedAt: null, redeemedBeforeDelivery: false })]);
  });

  it('a product without a checker asks nobody; an unknown checker or one on a top-up product is refused', async () => {
    const { buyer, order } = await keyOrder(`GAME-used-before-sale-${randomUUID()}`, null);
    const res = await fileCase(t.api, buyer, order.id, {});
    expect(res.body.status).toBe('awaiting_merchant');
    expect(res.body.systemEvidence.keyCheck).toEqual([]);
    const shop = await t.api.makeShop();
    const unknown = await t.api.call('POST', '/api/products', { token: shop.merchant.token, body: { shopId: shop.shopId, title: 'X', type: 'card_key', price: 100, keyChecker: 'nobody' } });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.code).toBe('UNKNOWN_KEY_CHECKER');
    const topup = await t.api.call('POST', '/api/products', { token: shop.merchant.token, body: { shopId: shop.shopId, title: 'Y', type: 'topup', price: 100, keyChecker: 'sandbox' } });
    expect(topup.status).toBe(400);
  });

  it('the checker is called outside any transaction: its intent is committed first and the order row is free', async () => {
    const db = t.kameng.ctx.db;
    const seen: Array<{ intentVisible: boolean; orderLockFree: boolean }> = [];
    const probe: KeyChecker = {
      name: 'probe',
      async check(code): Promise<KeyCheckAnswer> {
        const intent = await db.selectFrom('key_checks').select('status').where('status', '=', 'pending').where('checker', '=', 'probe').execute();
        // NOWAIT fails at once on PostgreSQL if the case's transaction held the order row; on PGlite
        // (one connection) this query could not even start inside an open transaction.
        const free = await db.transaction().execute(async (tx) => {
          const rows = await sql`select id from orders where id = ${orderId} for update nowait`.execute(tx);
          return rows.rows.length === 1;
        }).catch(() => false);
        seen.push({ intentVisible: intent.length === 1, orderLockFree: free });
        return code.includes('bad') ? { status: 'redeemed', at: new Date(0) } : { status: 'unused' };
      },
    };
    (t.kameng.ctx.keyCheckers as Map<string, KeyChecker>).set('probe', probe);
    const { buyer, order } = await keyOrder(`bad-${randomUUID()}`, 'probe');
    const orderId = order.id;
    const res = await fileCase(t.api, buyer, order.id, {});
    expect(seen).toEqual([{ intentVisible: true, orderLockFree: true }]);
    expect(res.body).toMatchObject({ status: 'auto_approved', decision: { ruleId: 'aftersales.key-redeemed-before-sale' } });
  });

  it('a checker that fails leaves the answer unknown and the claim goes on to the merchant', async () => {
    (t.kameng.ctx.keyCheckers as Map<string, KeyChecker>).set('broken', { name: 'broken', check: async () => { throw new Error('upstream 502'); } });
    const { buyer, order } = await keyOrder(`GAME-${randomUUID()}`, 'broken');
    const res = await fileCase(t.api, buyer, order.id, {});
    expect(res.status).toBe(201);
    expect(res.body.status).toBe('awaiting_merchant');
    expect(res.body.systemEvidence.keyCheck).toEqual([expect.objectContaining({ result: 'unknown', checker: 'broken' })]);
  });
});
