import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { useTestApp } from '../support/harness';

const t = useTestApp();

/** Sum of postings on an account (works for untracked platform accounts too). */
async function postedTo(accountId: string): Promise<number> {
  const row = await sql<{ total: number }>`select coalesce(sum(amount), 0)::bigint as total from postings where account_id = ${accountId}`.execute(t.kameng.ctx.db);
  return Number(row.rows[0].total);
}

/** The postings of the settlement entry of one order, by account id. */
async function settlementPostings(orderId: string): Promise<Record<string, number>> {
  const rows = await t.kameng.ctx.db.selectFrom('postings').innerJoin('journal_entries', 'journal_entries.id', 'postings.entry_id')
    .select(['postings.account_id', 'postings.amount']).where('journal_entries.order_id', '=', orderId).where('journal_entries.kind', '=', 'settlement').execute();
  return Object.fromEntries(rows.map((r) => [r.account_id, Number(r.amount)]));
}

describe('fees and settlement', () => {
  it.each([
    [1_000, 20, 2],
    [999, 19, 1], // 2% of 999 is 19.98: floored
    [49, 0, 0], // too small for any fee
    [12_345, 246, 24],
  ])('buyer confirm of a %i fen order pays the merchant the amount minus the floored 2 per cent fee (fee %i, fund share %i)', async (price, fee, fundShare) => {
    const shop = await t.api.makeShop();
    const product = await t.api.makeProduct(shop, { keys: 1, price });
    const buyer = await t.api.user('buyer');
    const order = await t.api.buyAndPay(buyer, product.id);
    const revenueBefore = await postedTo('platform:fee_revenue');
    const fundBefore = await postedTo('platform:compensation_fund');

    const confirmed = await t.api.ok('POST', `/api/orders/${order.id}/confirm`, { token: buyer.token });
    expect(confirmed.status).toBe('completed');
    expect(confirmed.fee).toBe(fee);
    expect(confirmed.settled).toBe(price);
    expect(confirmed.escrow).toBe(0);
    expect((await t.api.balance(shop)).available).toBe(price - fee);
    expect(await postedTo('platform:fee_revenue') - revenueBefore).toBe(fee - fundShare);
    expect(await postedTo('platform:compensation_fund') - fundBefore).toBe(fundShare);

    const postings = await settlementPostings(order.id);
    expect(postings[`escrow:${order.id}`]).toBe(-price);
    expect(postings[`merchant_available:${shop.shopId}`]).toBe(price - fee);
    expect(Object.values(postings).reduce((a, b) => a + b, 0)).toBe(0);
  });

  it('confirming twice settles once (409 ORDER_NOT_CONFIRMABLE the second time)', async () => {
    const shop = await t.api.makeShop();
    const product = await t.api.makeProduct(shop, { keys: 1, price: 1_000 });
    const buyer = await t.api.user('buyer');
    const order = await t.api.buyAndPay(buyer, product.id);
    const both = await Promise.all([1, 2].map(() => t.api.call('POST', `/api/orders/${order.id}/confirm`, { token: buyer.token })));
    expect(both.map((r) => r.status).sort()).toEqual([200, 409]);
    expect(both.find((r) => r.status === 409)?.body.error.code).toBe('ORDER_NOT_CONFIRMABLE');
    expect((await t.api.balance(shop)).available).toBe(980);
    expect(Object.keys(await settlementPostings(order.id)).length).toBeGreaterThan(0);
    const entries = await t.kameng.ctx.db.selectFrom('journal_entries').select('id').where('order_id', '=', order.id).where('kind', '=', 'settlement').execute();
    expect(entries).toHaveLength(1);
  });

  it('an unpaid order cannot be confirmed', async () => {
    const shop = await t.api.makeShop();
    const product = await t.api.makeProduct(shop, { keys: 1 });
    const buyer = await t.api.user('buyer');
    const { order } = await t.api.buy(buyer, product.id);
    const res = await t.api.call('POST', `/api/orders/${order.id}/confirm`, { token: buyer.token });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('ORDER_NOT_CONFIRMABLE');
  });

  it('with no buyer action the order settles by itself 24 h after delivery, not before', async () => {
    const shop = await t.api.makeShop();
    const product = await t.api.makeProduct(shop, { keys: 1, price: 2_000 });
    const buyer = await t.api.user('buyer');
    const order = await t.api.buyAndPay(buyer, product.id);
    expect(Date.parse(order.autoConfirmAt) - Date.parse(order.deliveredAt)).toBe(24 * 60 * 60_000);

    await t.api.advance(23 * 60 + 59);
    expect((await t.api.ok('GET', `/api/orders/${order.id}`, { token: buyer.token })).status).toBe('delivered');
    expect((await t.api.balance(shop)).available).toBe(0);
    expect((await t.api.balance(shop)).escrow).toBe(2_000);

    await t.api.advance(2);
    const settled = await t.api.ok('GET', `/api/orders/${order.id}`, { token: buyer.token });
    expect(settled.status).toBe('completed');
    expect(settled.fee).toBe(40);
    const balance = await t.api.balance(shop);
    expect(balance.available).toBe(1_960);
    expect(balance.escrow).toBe(0);
    const timeline = await t.api.ok('GET', `/api/orders/${order.id}/timeline`, { token: buyer.token });
    expect(timeline.events.at(-1)).toMatchObject({ type: 'settled', data: { trigger: 'auto_confirmed', amount: 2_000, fee: 40 } });
  });

  it('a manually delivered order settles after confirm like any other', async () => {
    const shop = await t.api.makeShop();
    const product = await t.api.makeProduct(shop, { type: 'manual', price: 5_000 });
    const buyer = await t.api.user('buyer');
    const order = await t.api.buyAndPay(buyer, product.id);
    expect(order.status).toBe('delivering');
    const early = await t.api.call('POST', `/api/orders/${order.id}/confirm`, { token: buyer.token });
    expect(early.status).toBe(409);
    const delivered = await t.api.ok('POST', `/api/orders/${order.id}/deliver`, { token: shop.merchant.token, body: { content: '账号: a1 密码: p1' } });
    expect(delivered.status).toBe('delivered');
    const buyerView = await t.api.ok('GET', `/api/orders/${order.id}`, { token: buyer.token });
    expect(buyerView.deliveries[0].content).toBe('账号: a1 密码: p1');
    await t.api.ok('POST', `/api/orders/${order.id}/confirm`, { token: buyer.token });
    expect((await t.api.balance(shop)).available).toBe(4_900);
  });
});

describe('withdrawals', () => {
  it('moves available money out and refuses more than is available (409)', async () => {
    const shop = await t.api.makeShop();
    const product = await t.api.makeProduct(shop, { keys: 2, price: 1_000 });
    const buyer = await t.api.user('buyer');
    for (let i = 0; i < 2; i += 1) {
      const order = await t.api.buyAndPay(buyer, product.id);
      await t.api.ok('POST', `/api/orders/${order.id}/confirm`, { token: buyer.token });
    }
    expect((await t.api.balance(shop)).available).toBe(1_960);

    const tooMuch = await t.api.call('POST', `/api/shops/${shop.shopId}/withdrawals`, { token: shop.merchant.token, body: { amount: 1_961 } });
    expect(tooMuch.status).toBe(409);
    expect(tooMuch.body.error.code).toBe('INSUFFICIENT_FUNDS');
    expect(tooMuch.body.error.details.available).toBe(1_960);

    const withdrawal = await t.api.call('POST', `/api/shops/${shop.shopId}/withdrawals`, { token: shop.merchant.token, body: { amount: 1_500 } });
    expect(withdrawal.status).toBe(201);
    expect(withdrawal.body.withdrawal).toMatchObject({ amount: 1_500, status: 'paid' });
    expect(withdrawal.body.available).toBe(460);
    const balance = await t.api.balance(shop);
    expect(balance.available).toBe(460);
    // The deposit is not withdrawable money.
    expect(balance.deposit).toBe(10_000);
    const rest = await t.api.call('POST', `/api/shops/${shop.shopId}/withdrawals`, { token: shop.merchant.token, body: { amount: 461 } });
    expect(rest.status).toBe(409);
    await t.api.ok('POST', `/api/shops/${shop.shopId}/withdrawals`, { token: shop.merchant.token, body: { amount: 460 } });
    expect((await t.api.balance(shop)).available).toBe(0);
  });

  it('concurrent withdrawals never take out more than is available', async () => {
    const shop = await t.api.makeShop();
    const product = await t.api.makeProduct(shop, { keys: 1, price: 1_000 });
    const buyer = await t.api.user('buyer');
    const order = await t.api.buyAndPay(buyer, product.id);
    await t.api.ok('POST', `/api/orders/${order.id}/confirm`, { token: buyer.token });
    const attempts = await Promise.all(Array.from({ length: 6 }, () => t.api.call('POST', `/api/shops/${shop.shopId}/withdrawals`, { token: shop.merchant.token, body: { amount: 300 } })));
    expect(attempts.filter((a) => a.status === 201)).toHaveLength(3);
    expect(attempts.filter((a) => a.status === 409)).toHaveLength(3);
    expect((await t.api.balance(shop)).available).toBe(80);
  });

  it('a withdrawal retried with the same Idempotency-Key pays out once', async () => {
    const shop = await t.api.makeShop();
    const product = await t.api.makeProduct(shop, { keys: 1, price: 1_000 });
    const buyer = await t.api.user('buyer');
    const order = await t.api.buyAndPay(buyer, product.id);
    await t.api.ok('POST', `/api/orders/${order.id}/confirm`, { token: buyer.token });
    const key = randomUUID();
    const first = await t.api.ok('POST', `/api/shops/${shop.shopId}/withdrawals`, { token: shop.merchant.token, headers: { 'idempotency-key': key }, body: { amount: 500 } });
    const again = await t.api.ok('POST', `/api/shops/${shop.shopId}/withdrawals`, { token: shop.merchant.token, headers: { 'idempotency-key': key }, body: { amount: 500 } });
    expect(again).toEqual(first);
    expect((await t.api.balance(shop)).available).toBe(480);
  });
});

describe('shop deposit (保证金)', () => {
  it('a shop below the 1000 fen deposit minimum does not list its products; paying the rest lists them', async () => {
    const shop = await t.api.makeShop(999);
    const product = await t.api.makeProduct(shop, { keys: 1 });
    const mine = await t.api.ok('GET', '/api/shops/mine', { token: shop.merchant.token });
    expect(mine.items.find((s: any) => s.id === shop.shopId).status).toBe('pending_deposit');

    const publicView = await t.api.call('GET', `/api/products/${product.id}`);
    expect(publicView.status).toBe(404);
    const buyer = await t.api.user('buyer');
    expect((await t.api.call('GET', `/api/products/${product.id}`, { token: buyer.token })).status).toBe(404);
    const ownerView = await t.api.ok('GET', `/api/products/${product.id}`, { token: shop.merchant.token });
    expect(ownerView.listed).toBe(false);
    const listing = await t.api.ok('GET', `/api/products?shopId=${shop.shopId}`);
    expect(listing.items).toEqual([]);
    const order = await t.api.call('POST', '/api/orders', {
      token: buyer.token, headers: { 'idempotency-key': randomUUID() }, body: { productId: product.id, quantity: 1, channel: 'sandbox' },
    });
    expect(order.status).toBe(404);
    expect((await t.api.ok('GET', `/api/shops/${shop.shopId}/balance`, { token: shop.merchant.token })).depositMinimum).toBe(1_000);

    const { payment } = await t.api.ok('POST', `/api/shops/${shop.shopId}/deposit`, { token: shop.merchant.token, body: { amount: 1, channel: 'sandbox' } });
    await t.api.pay(payment.id);
    const listed = await t.api.ok('GET', `/api/products/${product.id}`);
    expect(listed.listed).toBe(true);
    expect((await t.api.ok('GET', `/api/products?shopId=${shop.shopId}`)).items.map((p: any) => p.id)).toEqual([product.id]);
    expect((await t.api.balance(shop)).deposit).toBe(1_000);
    expect((await t.api.buyAndPay(buyer, product.id)).status).toBe('delivered');
  });

  it('an unpaid deposit payment does not count towards the minimum', async () => {
    const merchant = await t.api.user('merchant');
    const shop = await t.api.ok('POST', '/api/shops', { token: merchant.token, body: { name: `Shop ${randomUUID().slice(0, 8)}` } });
    expect(shop.status).toBe('pending_deposit');
    await t.api.ok('POST', `/api/shops/${shop.id}/deposit`, { token: merchant.token, body: { amount: 5_000, channel: 'sandbox' } });
    const balance = await t.api.ok('GET', `/api/shops/${shop.id}/balance`, { token: merchant.token });
    expect(balance.deposit).toBe(0);
    const mine = await t.api.ok('GET', '/api/shops/mine', { token: merchant.token });
    expect(mine.items[0].status).toBe('pending_deposit');
  });

  it('a suspended shop lists nothing and sells nothing', async () => {
    const shop = await t.api.makeShop();
    const product = await t.api.makeProduct(shop, { keys: 1 });
    const admin = await t.api.user('admin');
    await t.api.ok('POST', `/api/admin/shops/${shop.shopId}/suspension`, { token: admin.token, body: { suspended: true } });
    expect((await t.api.call('GET', `/api/products/${product.id}`)).status).toBe(404);
    const buyer = await t.api.user('buyer');
    const order = await t.api.call('POST', '/api/orders', { token: buyer.token, body: { productId: product.id, quantity: 1, channel: 'sandbox' } });
    expect(order.status).toBe(404);
    await t.api.ok('POST', `/api/admin/shops/${shop.shopId}/suspension`, { token: admin.token, body: { suspended: false } });
    expect((await t.api.call('GET', `/api/products/${product.id}`)).status).toBe(200);
  });
});

describe('wallet (余额)', () => {
  it('a wallet top-up credits the balance once paid; a wallet order pays at once and delivers', async () => {
    const shop = await t.api.makeShop();
    const product = await t.api.makeProduct(shop, { keys: 2, price: 1_500 });
    const buyer = await t.api.user('buyer');
    expect(await t.api.wallet(buyer)).toBe(0);
    await t.api.fundWallet(buyer, 2_000);
    expect(await t.api.wallet(buyer)).toBe(2_000);

    const created = await t.api.buy(buyer, product.id, { channel: 'balance' });
    expect(created.payment).toMatchObject({ status: 'succeeded', channel: 'balance', amount: 1_500 });
    expect(created.order.status).toBe('delivered');
    expect(created.order.paid).toBe(1_500);
    expect(await t.api.wallet(buyer)).toBe(500);

    const short = await t.api.call('POST', '/api/orders', {
      token: buyer.token, headers: { 'idempotency-key': randomUUID() }, body: { productId: product.id, quantity: 1, channel: 'balance' },
    });
    expect(short.status).toBe(409);
    expect(short.body.error).toMatchObject({ code: 'INSUFFICIENT_BALANCE', details: { balance: 500 } });
    // The refused order reserved nothing and left nothing behind.
    expect((await t.api.ok('GET', `/api/products/${product.id}`)).stock).toBe(1);
    const orders = await t.api.ok('GET', '/api/orders', { token: buyer.token });
    expect(orders.total).toBe(1);
    expect(await t.api.wallet(buyer)).toBe(500);

    await t.api.ok('POST', `/api/orders/${created.order.id}/confirm`, { token: buyer.token });
    expect((await t.api.balance(shop)).available).toBe(1_470);
  });

  it('a wallet top-up callback repeated does not credit twice', async () => {
    const buyer = await t.api.user('buyer');
    const { payment } = await t.api.ok('POST', '/api/wallet/topups', { token: buyer.token, body: { amount: 700, channel: 'sandbox' } });
    await Promise.all([1, 2, 3].map(() => t.api.pay(payment.id)));
    expect(await t.api.wallet(buyer)).toBe(700);
  });
});

describe('shop balance', () => {
  it('GET /api/shops/:id/balance answers available, deposit, receivable and escrow in fen', async () => {
    const shop = await t.api.makeShop(3_000);
    const product = await t.api.makeProduct(shop, { keys: 3, price: 1_000 });
    const buyer = await t.api.user('buyer');
    const first = await t.api.buyAndPay(buyer, product.id);
    await t.api.buyAndPay(buyer, product.id);
    await t.api.buy(buyer, product.id); // unpaid: not escrow
    await t.api.ok('POST', `/api/orders/${first.id}/confirm`, { token: buyer.token });

    const balance = await t.api.balance(shop);
    expect(balance).toEqual({ available: 980, deposit: 3_000, receivable: 0, escrow: 1_000, depositMinimum: 1_000 });
    for (const value of Object.values(balance)) expect(Number.isInteger(value)).toBe(true);

    const staff = await t.api.user('staff');
    expect(await t.api.ok('GET', `/api/shops/${shop.shopId}/balance`, { token: staff.token })).toEqual(balance);
  });
});

describe('ledger check endpoint', () => {
  it('an admin sees a balanced ledger after a day of trading', async () => {
    const shop = await t.api.makeShop();
    const product = await t.api.makeProduct(shop, { keys: 2, price: 1_000 });
    const buyer = await t.api.user('buyer');
    await t.api.buyAndPay(buyer, product.id);
    const admin = await t.api.user('admin');
    const check = await t.api.ok('GET', '/api/admin/ledger/check', { token: admin.token });
    expect(check).toMatchObject({ balanced: true, violations: [] });
  });

  it('buyers and merchants may not run the ledger check', async () => {
    const buyer = await t.api.user('buyer');
    const merchant = await t.api.user('merchant');
    expect((await t.api.call('GET', '/api/admin/ledger/check', { token: buyer.token })).status).toBe(403);
    expect((await t.api.call('GET', '/api/admin/ledger/check', { token: merchant.token })).status).toBe(403);
    expect((await t.api.call('GET', '/api/admin/ledger/check')).status).toBe(401);
  });
});
