import { describe, expect, it } from 'vitest';
import type { SimulatedNotification } from '../../src/payments/channels/simulator';
import { paymentRefOf, railChannels, type RailChannel } from '../../src/payments/channels/types';
import { refundQueryMinutes } from '../../src/payments/provider-refund';
import { payoutQueryMinutes, settlePayout } from '../../src/payments/send-payout';
import type { Session } from '../support/api';
import { fileCase } from '../support/aftersales';
import { summarizeLoggedErrors, useTestApp } from '../support/harness';

/** Payouts, channel refunds and complaints end to end, each provider simulated with its own signing. */
const t = useTestApp({ captureErrors: true, checkLedgerAfterEach: true });

const db = () => t.kameng.ctx.db;
const simulator = () => t.kameng.ctx.rails.simulator!;
const deliver = (n: SimulatedNotification) => t.kameng.server.inject({ method: n.method, url: n.url, headers: n.headers, payload: n.payload || undefined });

/** A payee each simulated provider accepts: an Alipay login, a WeChat openid, a Luhn-valid card. */
const payees: Record<'alipay' | 'wechat' | 'unionpay', string> = {
  alipay: 'merchant@example.com', wechat: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o', unionpay: '6222020200012345670',
};

/** A shop with `amount` fen settled and available to withdraw. */
async function shopWithMoney(amount = 2_000) {
  const shop = await t.api.makeShop();
  const product = await t.api.makeProduct(shop, { keys: 1, price: amount });
  const buyer = await t.api.user('buyer');
  const order = await t.api.buyAndPay(buyer, product.id);
  await t.api.ok('POST', `/api/orders/${order.id}/confirm`, { token: buyer.token });
  return { shop, available: (await t.api.balance(shop)).available };
}

async function setPayee(shop: { merchant: Session; shopId: string }, channel: keyof typeof payees) {
  return t.api.call('POST', `/api/shops/${shop.shopId}/payout-account`, { token: shop.merchant.token, body: { channel, account: payees[channel], name: '张三' } });
}

const payoutRow = (id: string) => db().selectFrom('payouts').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
const entries = (kind: string, shopId: string) => db().selectFrom('journal_entries').select('id').where('kind', '=', kind).where('shop_id', '=', shopId).execute();
const inFlight = async () => Number((await db().selectFrom('postings').select((eb) => eb.fn.coalesce(eb.fn.sum<number>('amount'), eb.val(0)).as('n'))
  .where('account_id', '=', 'platform:payouts_in_flight').executeTakeFirstOrThrow()).n);

describe('payout account', () => {
  it('is set by the owner, shown masked, hidden from other merchants (404), and epay or a bad card is refused', async () => {
    const { shop } = await shopWithMoney();
    expect((await setPayee(shop, 'unionpay')).status).toBe(200);
    const shown = await t.api.ok('GET', `/api/shops/${shop.shopId}/payout-account`, { token: shop.merchant.token });
    expect(shown.payoutAccount).toMatchObject({ channel: 'unionpay', account: '6222 **** 5670', name: '张三' });
    expect(shown.channels).toEqual(['alipay', 'wechat', 'unionpay']);
    const other = await t.api.makeShop();
    expect((await t.api.call('GET', `/api/shops/${shop.shopId}/payout-account`, { token: other.merchant.token })).status).toBe(404);
    const epay = await t.api.call('POST', `/api/shops/${shop.shopId}/payout-account`, { token: shop.merchant.token, body: { channel: 'epay', account: 'x@example.com', name: '张三' } });
    expect([epay.status, epay.body.error.code]).toEqual([422, 'PAYOUT_NOT_SUPPORTED']);
    const card = await t.api.call('POST', `/api/shops/${shop.shopId}/payout-account`, { token: shop.merchant.token, body: { channel: 'unionpay', account: '6222020200012345674', name: '张三' } });
    expect([card.status, card.body.error.code]).toEqual([400, 'VALIDATION_FAILED']);
  });
});

describe.each(['alipay', 'wechat', 'unionpay'] as const)('payouts through %s', (channel) => {
  it('a withdrawal is a pending payout asked after commit; the provider pays it and the money leaves through the channel', async () => {
    const { shop, available } = await shopWithMoney();
    await setPayee(shop, channel);
    const res = await t.api.call('POST', `/api/shops/${shop.shopId}/withdrawals`, { token: shop.merchant.token, body: { amount: 1_000 } });
    expect(res.status).toBe(201);
    // Alipay's transfer answers SUCCESS at once; WeChat's batch and UnionPay's 代付 are accepted and settle on query.
    expect(res.body.withdrawal).toMatchObject({ amount: 1_000, channel, status: channel === 'alipay' ? 'paid' : 'pending' });
    expect(res.body.available).toBe(available - 1_000);
    if (channel !== 'alipay') await t.api.advance(payoutQueryMinutes);
    const row = await payoutRow(res.body.withdrawal.id);
    expect(row).toMatchObject({ status: 'paid', account: payees[channel], failure: null });
    expect(row.provider_payout_no).toBeTruthy();
    const list = await t.api.ok('GET', `/api/shops/${shop.shopId}/payouts`, { token: shop.merchant.token });
    expect(list.items[0]).toMatchObject({ id: row.id, status: 'paid', channel, amount: 1_000 });
    expect(list.items[0].account).not.toBe(payees[channel]);
    expect((await t.api.balance(shop)).available).toBe(available - 1_000);
    expect(await entries('withdrawal_paid', shop.shopId)).toHaveLength(1);
  });

  it('a payout the provider fails returns the money to available, once, and tells the merchant', async () => {
    const { shop, available } = await shopWithMoney();
    await setPayee(shop, channel);
    // Armed before the request for Alipay (refused at once); failed while under way for the others.
    if (channel === 'alipay') expect(await t.api.ok('POST', `/api/sandbox/shops/${shop.shopId}/payout-failure`)).toEqual({ failedNow: false });
    const res = await t.api.ok('POST', `/api/shops/${shop.shopId}/withdrawals`, { token: shop.merchant.token, body: { amount: 1_500 } });
    if (channel !== 'alipay') {
      expect(res.withdrawal.status).toBe('pending');
      expect((await t.api.balance(shop)).available).toBe(available - 1_500);
      expect(await t.api.ok('POST', `/api/sandbox/shops/${shop.shopId}/payout-failure`)).toEqual({ failedNow: true });
      await t.api.advance(payoutQueryMinutes);
    }
    const row = await payoutRow(res.withdrawal.id);
    expect(row.status).toBe('failed');
    expect(row.failure).toBeTruthy();
    expect((await t.api.balance(shop)).available).toBe(available);
    await t.api.advance(payoutQueryMinutes * 2); // nothing left to ask: no second return of the money
    expect((await t.api.balance(shop)).available).toBe(available);
    expect(await entries('withdrawal_failed', shop.shopId)).toHaveLength(1);
    const notes = await t.api.ok('GET', '/api/notifications', { token: shop.merchant.token });
    expect(notes.items.filter((n: { kind: string }) => n.kind === 'withdrawal_failed')).toHaveLength(1);
    const list = await t.api.ok('GET', `/api/shops/${shop.shopId}/payouts`, { token: shop.merchant.token });
    expect(list.items[0]).toMatchObject({ status: 'failed', failure: expect.any(String) });
  });
});

describe('payout outcomes race', () => {
  it('eight concurrent answers (paid and failed mixed) settle a payout once, the ledger balanced', async () => {
    const { shop, available } = await shopWithMoney();
    await setPayee(shop, 'wechat');
    const res = await t.api.ok('POST', `/api/shops/${shop.shopId}/withdrawals`, { token: shop.merchant.token, body: { amount: 700 } });
    expect(res.withdrawal.status).toBe('pending');
    const logged = t.loggedErrors.length;
    await Promise.all(Array.from({ length: 8 }, (_, i) => settlePayout(t.kameng.ctx, res.withdrawal.id, i % 2 ? { status: 'paid' } : { status: 'failed', failure: 'ACCOUNT_FROZEN' })));
    expect(summarizeLoggedErrors(t.loggedErrors.slice(logged))).toEqual([]);
    const row = await payoutRow(res.withdrawal.id);
    const settled = [...await entries('withdrawal_paid', shop.shopId), ...await entries('withdrawal_failed', shop.shopId)];
    expect(settled).toHaveLength(1);
    expect((await t.api.balance(shop)).available).toBe(row.status === 'failed' ? available : available - 700);
    expect(await inFlight()).toBe(0);
  });
});

/** A rail-paid order refunded at once (a buyer mistake before the key was seen): one pending channel refund. */
async function refundedOn(channel: RailChannel) {
  const shop = await t.api.makeShop();
  const product = await t.api.makeProduct(shop, { keys: 1, price: 1_234 });
  const buyer = await t.api.user('buyer');
  const created = await t.api.buy(buyer, product.id, { channel });
  await t.api.ok('POST', `/api/sandbox/payments/${created.payment.id}/succeed`);
  const res = await fileCase(t.api, buyer, created.order.id, { reason: 'buyer_mistake', description: '买错面额了，刚下单一分钟，卡密还没看' });
  expect(res.body.refunds).toMatchObject([{ channel, amount: 1_234, status: 'pending' }]);
  return { buyer, orderId: created.order.id as string, refundId: res.body.refunds[0].id as string };
}

const refundRow = (id: string) => db().selectFrom('refunds').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
const orderEntries = (orderId: string, kind: string) => db().selectFrom('journal_entries').select('id').where('order_id', '=', orderId).where('kind', '=', kind).execute();

describe.each(railChannels)('channel refunds on %s', (channel) => {
  it("the provider's answer marks arrival, not a timer", async () => {
    const { orderId, refundId } = await refundedOn(channel);
    expect(await db().selectFrom('jobs').select('id').where('kind', '=', 'refund_arrival').where('ref_id', '=', refundId).execute()).toEqual([]);
    await t.api.advance(0);
    if (channel === 'epay') {
      expect(await refundRow(refundId)).toMatchObject({ status: 'succeeded', provider_status: 'accepted' }); // epay answers refunds at once
    } else {
      expect(await refundRow(refundId)).toMatchObject({ status: 'pending', provider_status: 'accepted' });
      await t.api.advance(refundQueryMinutes); // the refund query finds it done
      expect((await refundRow(refundId)).status).toBe('succeeded');
    }
    expect(await orderEntries(orderId, 'refund_arrival')).toHaveLength(1);
    expect((await refundRow(refundId)).channel).toBe(channel);
  });

  it("a refund the provider refuses goes to the buyer's wallet, once, and the buyer is told", async () => {
    const { buyer, orderId, refundId } = await refundedOn(channel);
    const armed = await t.api.ok('POST', `/api/sandbox/refunds/${refundId}/outcome`, { body: { outcome: 'failed' } });
    expect(armed.armed).toBe(true);
    await t.api.advance(0);
    expect(await refundRow(refundId)).toMatchObject({ status: 'succeeded', channel: 'balance', fallback_from: channel, provider_status: 'refused' });
    await t.api.advance(refundQueryMinutes * 3);
    expect(await t.api.wallet(buyer)).toBe(1_234);
    expect(await orderEntries(orderId, 'refund_fallback')).toHaveLength(1);
    expect(await orderEntries(orderId, 'refund_arrival')).toHaveLength(0);
    const order = await t.api.ok('GET', `/api/orders/${orderId}`, { token: buyer.token });
    expect(order.refunds).toMatchObject([{ id: refundId, channel: 'balance', fallbackFrom: channel, status: 'succeeded' }]);
    const notes = await t.api.ok('GET', '/api/notifications', { token: buyer.token });
    expect(notes.items.filter((n: { kind: string }) => n.kind === 'refund_fallback_wallet')).toHaveLength(1);
  });
});

describe.each(['wechat', 'unionpay'] as const)('%s refund notifications', (channel) => {
  it('a signed refund notification marks arrival; replayed and delivered 8 times at once it acts once', async () => {
    const { orderId, refundId } = await refundedOn(channel);
    await t.api.advance(0);
    const sent = await t.api.ok('POST', `/api/sandbox/refunds/${refundId}/outcome`, { body: { outcome: 'succeeded' } });
    expect(sent.notification.status).toBe(200);
    expect(sent.refund).toMatchObject({ status: 'succeeded', channel });
    const again = simulator().refundNotification(channel, paymentRefOf(refundId))!;
    const answers = await Promise.all(Array.from({ length: 8 }, () => deliver(again)));
    expect(answers.map((a) => a.statusCode)).toEqual(Array(8).fill(200));
    expect(await orderEntries(orderId, 'refund_arrival')).toHaveLength(1);
  });

  it('a failure notification after the provider accepted pays the wallet once, however often it comes', async () => {
    const { buyer, orderId, refundId } = await refundedOn(channel);
    await t.api.advance(0);
    const sent = await t.api.ok('POST', `/api/sandbox/refunds/${refundId}/outcome`, { body: { outcome: 'failed' } });
    expect(sent).toMatchObject({ armed: false, notification: { status: 200 }, refund: { status: 'succeeded', channel: 'balance', fallbackFrom: channel } });
    const again = simulator().refundNotification(channel, paymentRefOf(refundId))!;
    await Promise.all(Array.from({ length: 8 }, () => deliver(again)));
    expect(await t.api.wallet(buyer)).toBe(1_234);
    expect(await orderEntries(orderId, 'refund_fallback')).toHaveLength(1);
  });

  it('a refund notification that is not signed changes nothing (400)', async () => {
    const { refundId } = await refundedOn(channel);
    await t.api.advance(0);
    simulator().settleRefund(paymentRefOf(refundId));
    const n = simulator().refundNotification(channel, paymentRefOf(refundId))!;
    const spoiled = channel === 'wechat' ? { ...n, headers: { 'content-type': 'application/json' } } : { ...n, payload: n.payload.replace(/signature=[^&]*/, 'signature=AAAA') };
    expect((await deliver(spoiled)).statusCode).toBe(400);
    expect((await refundRow(refundId)).status).toBe('pending');
  });
});

/** A paid order on a complaint channel. */
async function paidOn(channel: RailChannel, price = 900) {
  const shop = await t.api.makeShop();
  const product = await t.api.makeProduct(shop, { keys: 1, price });
  const buyer = await t.api.user('buyer');
  const created = await t.api.buy(buyer, product.id, { channel });
  await t.api.ok('POST', `/api/sandbox/payments/${created.payment.id}/succeed`);
  return { buyer, paymentId: created.payment.id as string, orderId: created.order.id as string };
}

const complaintEvents = (orderId: string) => db().selectFrom('order_events').select('data').where('order_id', '=', orderId).where('type', '=', 'payment_complaint').execute();

describe.each(['wechat', 'alipay'] as const)('channel complaints (chargebacks) on %s', (channel) => {
  it('a complaint opens a platform case under arbitration with the evidence package attached; sent again it opens nothing more', async () => {
    const { paymentId, orderId } = await paidOn(channel);
    const res = await t.api.ok('POST', `/api/sandbox/payments/${paymentId}/chargeback`, { body: { description: '卡密无法使用，商家不理' } });
    expect(res.notification).toMatchObject({ status: 200, answer: channel === 'alipay' ? 'success' : expect.stringContaining('SUCCESS') });
    expect(res.case).toMatchObject({ status: 'under_arbitration' });
    const row = await db().selectFrom('refund_cases').selectAll().where('id', '=', res.case.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ route: 'to_staff', amount: 900, order_id: orderId });
    expect(row.description).toContain('卡密无法使用，商家不理');
    const facts = (typeof row.facts === 'string' ? JSON.parse(row.facts) : row.facts) as { channelComplaint: { channel: string; complaintId: string; evidencePackage: { packageHash: string; url: string } } };
    expect(facts.channelComplaint).toMatchObject({ channel, complaintId: res.complaintId, evidencePackage: { packageHash: expect.stringMatching(/^[0-9a-f]{64}$/), url: `/api/orders/${orderId}/evidence-package` } });
    const staff = await t.api.user('staff');
    const queue = await t.api.ok('GET', '/api/staff/queue?limit=100', { token: staff.token });
    expect(queue.items.map((c: { id: string }) => c.id)).toContain(res.case.id);

    // A redelivery, and (Alipay) a fresh message about the same complaint changing: nothing more.
    expect((await deliver(simulator().complaintNotification(res.complaintId))).statusCode).toBe(200);
    expect(await db().selectFrom('refund_cases').select('id').where('order_id', '=', orderId).execute()).toHaveLength(1);
    expect(await complaintEvents(orderId)).toHaveLength(1);
  });

  it('a forged complaint notification is refused (400) and opens nothing', async () => {
    const { paymentId, orderId } = await paidOn(channel);
    const ref = paymentRefOf(paymentId);
    simulator().pay(ref, 900, new Date());
    const complaintId = simulator().complain(ref, '伪造的投诉', channel);
    const real = simulator().complaintNotification(complaintId);
    const forged = channel === 'alipay'
      ? { ...real, payload: real.payload.replace(/sign=[^&]*/, `sign=${encodeURIComponent(Buffer.alloc(256, 7).toString('base64'))}`) }
      : { ...real, headers: { ...real.headers, 'wechatpay-signature': Buffer.alloc(256, 7).toString('base64') } };
    const answer = await deliver(forged);
    expect(answer.statusCode).toBe(400);
    expect(answer.body).not.toBe('success');
    expect(await db().selectFrom('refund_cases').select('id').where('order_id', '=', orderId).execute()).toHaveLength(0);
    expect(await complaintEvents(orderId)).toHaveLength(0);
  });
});

describe('channel complaints on an order with an open case', () => {
  it('an Alipay complaint is attached to the open case (facts and timeline) instead of opening another', async () => {
    const { buyer, paymentId, orderId } = await paidOn('alipay');
    await t.api.ok('POST', `/api/orders/${orderId}/keys/reveal`, { token: buyer.token });
    const filed = await fileCase(t.api, buyer, orderId, {});
    expect(filed.status).toBe(201);
    expect(filed.body.status).toBe('awaiting_merchant');
    const res = await t.api.ok('POST', `/api/sandbox/payments/${paymentId}/chargeback`, { body: { description: '商家不退款' } });
    expect(res.notification.status).toBe(200);
    const cases = await db().selectFrom('refund_cases').selectAll().where('order_id', '=', orderId).execute();
    expect(cases.map((c) => c.id)).toEqual([filed.body.id]);
    const facts = (typeof cases[0]!.facts === 'string' ? JSON.parse(cases[0]!.facts) : cases[0]!.facts) as { channelComplaint?: { channel: string; complaintId: string } };
    expect(facts.channelComplaint).toMatchObject({ channel: 'alipay', complaintId: res.complaintId });
    expect((await complaintEvents(orderId)).map((e) => (typeof e.data === 'string' ? JSON.parse(e.data) : e.data))).toMatchObject([{ caseId: filed.body.id, opened: false }]);
  });

  it('the simulator refuses a chargeback on a channel without complaint notifications (422)', async () => {
    const { paymentId } = await paidOn('unionpay');
    const res = await t.api.call('POST', `/api/sandbox/payments/${paymentId}/chargeback`, { body: {} });
    expect([res.status, res.body.error.code]).toEqual([422, 'CHARGEBACK_NOT_SIMULATED']);
  });
});

describe('GET /api/admin/payments/channels', () => {
  it('lists every channel as sandbox here, with what each can do; buyers are refused', async () => {
    const admin = await t.api.user('admin');
    const res = await t.api.ok('GET', '/api/admin/payments/channels', { token: admin.token });
    expect(res.sandbox).toBe(true);
    expect(res.items.map((c: { channel: string; mode: string }) => [c.channel, c.mode])).toEqual(railChannels.map((c) => [c, 'sandbox']));
    expect(res.items.find((c: { channel: string }) => c.channel === 'epay')).toMatchObject({ refunds: true, payouts: false });
    expect(res.items.find((c: { channel: string }) => c.channel === 'wechat')).toMatchObject({ payouts: true, complaints: true });
    expect(res.items.find((c: { channel: string }) => c.channel === 'alipay')).toMatchObject({ payouts: true, complaints: true });
    const buyer = await t.api.user('buyer');
    expect((await t.api.call('GET', '/api/admin/payments/channels', { token: buyer.token })).status).toBe(403);
  });
});
