import { describe, expect, it } from 'vitest';
import { fileCase, stockOf } from '../support/aftersales';
import type { Session } from '../support/api';
import { useTestApp } from '../support/harness';

/** 误拍 / 重复下单: exchange (换货) or wallet balance (余额留存) instead of money back minus the no-reason fee. */
const t = useTestApp();

const mistake = { reason: 'buyer_mistake', description: '下单时选错了面额，想要另一款卡，卡密没有查看过' };
const feeRule = 'aftersales.mistake-fee-waived-for-exchange-or-wallet';

/** A shop with the mistaken product (¥10, 5% no-reason fee) and another product at `otherPrice`; the buyer's paid order, past 秒退. */
async function mistakenOrder(otherPrice: number, wallet = 0) {
  const shop = await t.api.makeShop(20_000);
  const wrong = await t.api.makeProduct(shop, { keys: 3, price: 1_000, noReasonRefund: { allowed: false, feeRate: 500 } });
  const wanted = await t.api.makeProduct(shop, { keys: 2, price: otherPrice });
  const buyer = await t.api.user('buyer');
  if (wallet > 0) await t.api.fundWallet(buyer, wallet);
  const order = await t.api.buyAndPay(buyer, wrong.id);
  await t.api.advance(10); // past the 5-minute instant refund: the merchant answers
  return { shop, wrong, wanted, buyer, order };
}

async function accept(shop: { merchant: Session }, caseId: string) {
  return t.api.ok('POST', `/api/refund-cases/${caseId}/merchant-response`, { token: shop.merchant.token, body: { action: 'accept', message: '同意换货' } });
}

async function events(buyer: Session, orderId: string): Promise<Array<{ type: string; data: any }>> {
  return (await t.api.ok('GET', `/api/orders/${orderId}/timeline`, { token: buyer.token })).events;
}

describe('buyer mistake: exchange (换货)', () => {
  it('to a dearer product: the old order pays most, the wallet pays the difference, and both timelines link', async () => {
    const { shop, wrong, wanted, buyer, order } = await mistakenOrder(1_500, 800);
    const filed = await fileCase(t.api, buyer, order.id, { ...mistake, exchange: { productId: wanted.id } });
    expect(filed.status, JSON.stringify(filed.body)).toBe(201);
    expect(filed.body).toMatchObject({ status: 'awaiting_merchant', resolution: 'exchange', exchange: { productId: wanted.id, quantity: 1, orderId: null } });
    const decided = await accept(shop, filed.body.id);
    expect(decided.status).toBe('approved');
    const newOrderId = decided.exchange.orderId;
    expect(newOrderId).toEqual(expect.any(String));

    const old = await t.api.ok('GET', `/api/orders/${order.id}`, { token: buyer.token });
    expect(old).toMatchObject({ status: 'refunded', refunded: 1_000, escrow: 0, exchangedToOrderId: newOrderId });
    const fresh = await t.api.ok('GET', `/api/orders/${newOrderId}`, { token: buyer.token });
    expect(fresh).toMatchObject({ status: 'delivered', productId: wanted.id, amount: 1_500, paid: 1_500, escrow: 1_500, channel: 'balance', exchangedFromOrderId: order.id });
    expect(await t.api.wallet(buyer)).toBe(300); // 800 − the 500 difference
    expect(await stockOf(t.api, wrong.id)).toBe(3); // the unrevealed key is back on sale
    expect(await stockOf(t.api, wanted.id)).toBe(1);

    const oldEvents = await events(buyer, order.id);
    expect(oldEvents.find((e) => e.type === 'exchanged')?.data).toMatchObject({ newOrderId, credit: 1_000, newAmount: 1_500, buyerPays: 500, toOriginal: 0 });
    expect(oldEvents.find((e) => e.type === 'mistake_fee_waived')?.data).toMatchObject({ fee: 0, resolution: 'exchange', ruleId: feeRule });
    expect((await events(buyer, newOrderId)).find((e) => e.type === 'created')?.data).toMatchObject({ exchangedFromOrderId: order.id, caseId: filed.body.id });
    // The merchant sees the same link.
    expect((await t.api.ok('GET', `/api/orders/${newOrderId}`, { token: shop.merchant.token })).exchangedFromOrderId).toBe(order.id);
  });

  it('to a cheaper product: the difference goes back on the original channel, no fee', async () => {
    const { shop, wanted, buyer, order } = await mistakenOrder(600);
    const filed = await fileCase(t.api, buyer, order.id, { ...mistake, exchange: { productId: wanted.id } });
    expect(filed.status, JSON.stringify(filed.body)).toBe(201);
    const decided = await accept(shop, filed.body.id);
    const fresh = await t.api.ok('GET', `/api/orders/${decided.exchange.orderId}`, { token: buyer.token });
    expect(fresh).toMatchObject({ status: 'delivered', amount: 600, paid: 600 });
    const old = await t.api.ok('GET', `/api/orders/${order.id}`, { token: buyer.token });
    expect(old).toMatchObject({ status: 'refunded', refunded: 1_000 });
    expect(old.refunds.map((r: any) => [r.amount, r.channel]).sort()).toEqual([[400, 'sandbox'], [600, 'balance']]);
    expect(await t.api.wallet(buyer)).toBe(0); // what passed through the wallet paid the new order
    const check = await t.api.ok('GET', '/api/admin/ledger/check', { token: (await t.api.user('admin')).token });
    expect(check.balanced).toBe(true);
  });

  it('is refused for a revealed key (used goods), citing the rule', async () => {
    const { wanted, buyer, order } = await mistakenOrder(1_000);
    await t.api.ok('POST', `/api/orders/${order.id}/keys/reveal`, { token: buyer.token });
    const filed = await fileCase(t.api, buyer, order.id, { ...mistake, exchange: { productId: wanted.id } });
    expect(filed.status).toBe(422);
    expect(filed.body.error).toMatchObject({ code: 'GOODS_USED', rule: 'aftersales.mistake-options-unused-only' });
  });

  it('to a dearer product is refused while the wallet cannot pay the difference', async () => {
    const { wanted, buyer, order } = await mistakenOrder(1_500, 100);
    const filed = await fileCase(t.api, buyer, order.id, { ...mistake, exchange: { productId: wanted.id } });
    expect(filed.status).toBe(409);
    expect(filed.body.error).toMatchObject({ code: 'INSUFFICIENT_BALANCE', details: { balance: 100, difference: 500 } });
  });

  it('to another shop\'s product, or for another reason, is refused', async () => {
    const { buyer, order } = await mistakenOrder(1_000);
    const elsewhere = await t.api.makeProduct(await t.api.makeShop(), { keys: 1, price: 1_000 });
    const other = await fileCase(t.api, buyer, order.id, { ...mistake, exchange: { productId: elsewhere.id } });
    expect(other.body.error).toMatchObject({ code: 'EXCHANGE_OTHER_SHOP', rule: 'aftersales.mistake-exchange-same-shop' });
    const wrongReason = await fileCase(t.api, buyer, order.id, { reason: 'key_invalid', exchange: { productId: elsewhere.id } });
    expect([wrongReason.status, wrongReason.body.error.code]).toEqual([400, 'EXCHANGE_NEEDS_BUYER_MISTAKE']);
  });

  it('that can no longer be made when decided (stock gone) keeps the value as wallet balance, fee-free', async () => {
    const { shop, wanted, buyer, order } = await mistakenOrder(1_000);
    const filed = await fileCase(t.api, buyer, order.id, { ...mistake, exchange: { productId: wanted.id } });
    expect(filed.status).toBe(201);
    const other = await t.api.user('buyer');
    await t.api.buyAndPay(other, wanted.id, { quantity: 2 }); // someone else buys the last two keys
    const decided = await accept(shop, filed.body.id);
    expect(decided.exchange.orderId).toBeNull();
    expect(await t.api.wallet(buyer)).toBe(1_000);
    const failed = (await events(buyer, order.id)).find((e) => e.type === 'exchange_failed');
    expect(failed?.data).toMatchObject({ code: 'OUT_OF_STOCK', fallback: 'wallet', credit: 1_000 });
  });
});

describe('buyer mistake: decided on the facts at execution', () => {
  it('a key revealed after filing an exchange is used goods: no exchange, the fee withheld, the rest to the wallet', async () => {
    const { shop, wanted, buyer, order } = await mistakenOrder(1_000);
    const filed = await fileCase(t.api, buyer, order.id, { ...mistake, exchange: { productId: wanted.id } });
    expect(filed.status).toBe(201);
    await t.api.ok('POST', `/api/orders/${order.id}/keys/reveal`, { token: buyer.token });
    const decided = await accept(shop, filed.body.id);
    expect(decided.exchange.orderId).toBeNull();
    expect(decided.decision).toMatchObject({ outcome: 'refund', amount: 950 });
    expect(await t.api.wallet(buyer)).toBe(950);
    const timeline = await events(buyer, order.id);
    expect(timeline.find((e) => e.type === 'mistake_fee_charged')?.data).toMatchObject({ fee: 50, resolution: 'exchange', unused: false, ruleId: feeRule });
    expect(timeline.some((e) => e.type === 'exchanged')).toBe(false);
  });

  it('merchant silence decides for the buyer: the exchange is made by the deadline job', async () => {
    const { wanted, buyer, order } = await mistakenOrder(1_000);
    const filed = await fileCase(t.api, buyer, order.id, { ...mistake, exchange: { productId: wanted.id } });
    await t.api.advance(24 * 60 + 1);
    const decided = await t.api.ok('GET', `/api/refund-cases/${filed.body.id}`, { token: buyer.token });
    expect(decided).toMatchObject({ status: 'approved', decision: { ruleId: 'aftersales.merchant-response' } });
    const fresh = await t.api.ok('GET', `/api/orders/${decided.exchange.orderId}`, { token: buyer.token });
    expect(fresh).toMatchObject({ status: 'delivered', exchangedFromOrderId: order.id, paid: 1_000 });
  });
});

describe('buyer mistake: wallet balance (余额留存) and the fee', () => {
  it('wallet balance: the whole amount, the fee waived by the rule', async () => {
    const { shop, buyer, order } = await mistakenOrder(1_000);
    const filed = await fileCase(t.api, buyer, order.id, { ...mistake, refundTo: 'wallet' });
    expect(filed.status).toBe(201);
    expect(filed.body.resolution).toBe('wallet');
    const decided = await accept(shop, filed.body.id);
    expect(decided.decision).toMatchObject({ outcome: 'refund', amount: 1_000 });
    expect(await t.api.wallet(buyer)).toBe(1_000);
    expect((await t.api.ok('GET', `/api/orders/${order.id}`, { token: buyer.token })).status).toBe('refunded');
    expect((await events(buyer, order.id)).find((e) => e.type === 'mistake_fee_waived')?.data).toMatchObject({ fee: 0, resolution: 'wallet', ruleId: feeRule });
  });

  it('money back on the original channel: the product\'s no-reason fee is withheld and settles to the merchant', async () => {
    const { shop, buyer, order } = await mistakenOrder(1_000);
    const preview = await t.api.ok('POST', `/api/orders/${order.id}/refund-cases/preview`, { token: buyer.token, body: { ...mistake, expectedOutcome: 'full_refund' } });
    expect(preview.verdict.mistake).toMatchObject({ resolution: 'refund', fee: 50, waived: false, rule: feeRule });
    const filed = await fileCase(t.api, buyer, order.id, mistake);
    const decided = await accept(shop, filed.body.id);
    expect(decided.decision).toMatchObject({ outcome: 'refund', amount: 950 });
    expect(decided.refunds).toMatchObject([{ amount: 950, channel: 'sandbox' }]);
    expect(await t.api.wallet(buyer)).toBe(0);
    const after = await t.api.ok('GET', `/api/orders/${order.id}`, { token: buyer.token });
    expect(after).toMatchObject({ status: 'partially_refunded', refunded: 950, escrow: 50 });
    expect((await events(buyer, order.id)).find((e) => e.type === 'mistake_fee_charged')?.data).toMatchObject({ fee: 50, resolution: 'refund', ruleId: feeRule });
    await t.api.advance(24 * 60 + 1); // the fee settles to the merchant with the order
    expect((await t.api.ok('GET', `/api/orders/${order.id}`, { token: buyer.token })).escrow).toBe(0);
  });

  it('a guest has no wallet to keep the money in', async () => {
    const shop = await t.api.makeShop();
    const product = await t.api.makeProduct(shop, { keys: 1 });
    const created = await t.api.ok('POST', '/api/orders', { body: { productId: product.id, quantity: 1, channel: 'sandbox', guest: { contact: 'guest@example.com', queryPassword: 'guest-pass-1' } } });
    await t.api.pay(created.payment.id);
    await t.api.advance(10);
    const res = await t.api.call('POST', `/api/orders/${created.order.id}/refund-cases`, { token: created.guestToken, body: { ...mistake, expectedOutcome: 'full_refund', refundTo: 'wallet' } });
    expect([res.status, res.body.error.code]).toEqual([400, 'GUEST_HAS_NO_WALLET']);
  });
});
