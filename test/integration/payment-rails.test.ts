import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { SimulatedNotification } from '../../src/payments/channels/simulator';
import { paymentRefOf, railChannels, type RailChannel } from '../../src/payments/channels/types';
import type { Session } from '../support/api';
import { fileCase } from '../support/aftersales';
import { summarizeLoggedErrors, useTestApp } from '../support/harness';

/** Real payment channels end to end: each one's simulated provider signs, the notify route verifies. */
const t = useTestApp({ captureErrors: true });

let shop: { merchant: Session; shopId: string };
let productId: string;
let buyer: Session;
beforeAll(async () => {
  shop = await t.api.makeShop();
  productId = (await t.api.makeProduct(shop, { keys: 200, price: 1_234 })).id;
  buyer = await t.api.user('buyer');
});

const simulator = () => t.kameng.ctx.rails.simulator!;
const deliver = (n: SimulatedNotification) => t.kameng.server.inject({ method: n.method, url: n.url, headers: n.headers, payload: n.payload || undefined });

async function order(channel: string) {
  const created = await t.api.buy(buyer, productId, { channel });
  return { orderId: created.order.id as string, payment: created.payment as { id: string; amount: number; payAction: any } };
}

async function state(orderId: string, paymentId: string) {
  const db = t.kameng.ctx.db;
  const [o, p, entries, events, notes] = await Promise.all([
    db.selectFrom('orders').select('status').where('id', '=', orderId).executeTakeFirstOrThrow(),
    db.selectFrom('payments').select(['status', 'provider_trade_no']).where('id', '=', paymentId).executeTakeFirstOrThrow(),
    db.selectFrom('journal_entries').select('id').where('order_id', '=', orderId).where('kind', '=', 'order_payment').execute(),
    db.selectFrom('order_events').select('type').where('order_id', '=', orderId).where('type', '=', 'paid').execute(),
    db.selectFrom('payment_notifications').selectAll().where('payment_id', '=', paymentId).execute(),
  ]);
  return { order: o.status, payment: p.status, tradeNo: p.provider_trade_no, paymentEntries: entries.length, paidEvents: events.length, notifications: notes };
}

/** A paid trade at the simulated provider and its signed notification, not yet delivered. */
function paidNotification(channel: RailChannel, payment: { id: string; amount: number }, amount = payment.amount): SimulatedNotification {
  const ref = paymentRefOf(payment.id);
  simulator().pay(ref, amount, new Date());
  return simulator().notification(channel, ref);
}

/** The same notification with its signature taken away. */
function unsigned(channel: RailChannel, n: SimulatedNotification): SimulatedNotification {
  if (channel === 'wechat') return { ...n, headers: { 'content-type': 'application/json' } };
  if (channel === 'epay') {
    const url = new URL(n.url, 'http://x');
    url.searchParams.delete('sign');
    return { ...n, url: `${url.pathname}${url.search}` };
  }
  const form = new URLSearchParams(n.payload);
  form.delete(channel === 'unionpay' ? 'signature' : 'sign');
  return { ...n, payload: form.toString() };
}

/** The same notification with one signed field changed (the amount, doubled): the signature no longer holds. */
function tampered(channel: RailChannel, n: SimulatedNotification): SimulatedNotification {
  if (channel === 'wechat') return { ...n, payload: n.payload.replace('"summary":"支付成功"', '"summary":"支付成功!"') };
  if (channel === 'epay') {
    const url = new URL(n.url, 'http://x');
    url.searchParams.set('money', '99.99');
    return { ...n, url: `${url.pathname}${url.search}` };
  }
  const form = new URLSearchParams(n.payload);
  if (channel === 'alipay') form.set('total_amount', '99.99'); else form.set('txnAmt', '9999');
  return { ...n, payload: form.toString() };
}

describe('GET /api/payments/channels', () => {
  it('offers the sandbox channel and every real channel, simulated, in sandbox mode', async () => {
    expect(await t.api.ok('GET', '/api/payments/channels')).toEqual({ sandbox: true, channels: ['sandbox', ...railChannels] });
  });
});

describe.each(railChannels)('channel %s', (channel) => {
  it('opens the payment at the provider and a signed notification pays the order through the notify route', async () => {
    const { orderId, payment } = await order(channel);
    expect(payment.payAction.kind).toBe(channel === 'wechat' ? 'qr' : channel === 'unionpay' ? 'form' : 'redirect');
    const paid = await t.api.ok('POST', `/api/sandbox/payments/${payment.id}/succeed`);
    expect(paid).toMatchObject({ payment: { status: 'succeeded' }, replayed: false, orderStatus: 'delivered', notification: { status: 200 } });
    expect(paid.notification.answer).toContain(channel === 'unionpay' ? 'ok' : channel === 'wechat' ? 'SUCCESS' : 'success');
    const s = await state(orderId, payment.id);
    expect(s).toMatchObject({ order: 'delivered', payment: 'succeeded', paymentEntries: 1, paidEvents: 1 });
    expect(s.tradeNo).toBeTruthy();
    expect(s.notifications.map((n) => [n.source, n.outcome])).toEqual([[`callback:${channel}`, 'applied']]);
  });

  it.each([
    ['unsigned', unsigned],
    ['wrongly signed', tampered],
  ])('a %s notification changes nothing and gets a 4xx failure answer', async (_name, spoil) => {
    const { orderId, payment } = await order(channel);
    const res = await deliver(spoil(channel, paidNotification(channel, payment)));
    expect(res.statusCode).toBe(400);
    expect(JSON.parse(res.body)).toMatchObject({ code: 'FAIL', error: { code: 'NOTIFICATION_REJECTED' } });
    expect(await state(orderId, payment.id)).toMatchObject({ order: 'pending_payment', payment: 'pending', paymentEntries: 0, notifications: [] });
  });

  it('a correctly signed notification for another amount changes nothing (409)', async () => {
    const { orderId, payment } = await order(channel);
    const res = await deliver(paidNotification(channel, payment, payment.amount - 1));
    expect(res.statusCode).toBe(409);
    expect(JSON.parse(res.body).error.code).toBe('PAYMENT_MISMATCH');
    expect(await state(orderId, payment.id)).toMatchObject({ order: 'pending_payment', payment: 'pending', paymentEntries: 0, notifications: [] });
  });

  it('a correctly signed notification for a payment we never opened gets 404 and changes nothing', async () => {
    const before = await t.kameng.ctx.db.selectFrom('payment_notifications').select('id').execute();
    const res = await deliver(paidNotification(channel, { id: randomUUID(), amount: 1_234 }));
    expect(res.statusCode).toBe(404);
    expect(JSON.parse(res.body).error.code).toBe('PAYMENT_NOT_FOUND');
    expect(await t.kameng.ctx.db.selectFrom('payment_notifications').select('id').execute()).toHaveLength(before.length);
  });

  it('the same notification delivered twice acts once (the second is acknowledged, as providers require)', async () => {
    const { orderId, payment } = await order(channel);
    const n = paidNotification(channel, payment);
    const first = await deliver(n);
    const second = await deliver(n);
    expect([first.statusCode, second.statusCode]).toEqual([200, 200]);
    const s = await state(orderId, payment.id);
    expect(s).toMatchObject({ order: 'delivered', paymentEntries: 1, paidEvents: 1 });
    expect(s.notifications).toHaveLength(1);
  });

  it('the notify route answers garbage with a 4xx, never a 5xx', async () => {
    for (const payload of ['', 'garbage', '{"id":1,"resource":{}}', 'sign=abc&out_trade_no=x', '%%%', '\u0000\u00ff']) {
      for (const type of ['application/x-www-form-urlencoded', 'application/json', 'text/plain']) {
        const res = await t.kameng.server.inject({ method: 'POST', url: `/api/payments/notify/${channel}`, headers: { 'content-type': type, 'wechatpay-signature': 'x', 'wechatpay-timestamp': '1', 'wechatpay-nonce': 'n', 'wechatpay-serial': 's' }, payload });
        expect(res.statusCode, `${type} ${payload}`).toBeGreaterThanOrEqual(400);
        expect(res.statusCode).toBeLessThan(500);
      }
    }
  });

  it('a refund goes back through the provider, asked after commit with the refund id as its key', async () => {
    const { orderId, payment } = await order(channel);
    await t.api.ok('POST', `/api/sandbox/payments/${payment.id}/succeed`);
    const res = await fileCase(t.api, buyer, orderId, { reason: 'buyer_mistake', description: '买错面额了，刚下单一分钟，卡密还没看' });
    expect(res.body.refunds).toMatchObject([{ channel, amount: 1_234 }]);
    const refundId = res.body.refunds[0].id as string;
    const asked = () => t.kameng.ctx.db.selectFrom('refunds').select(['provider_status', 'provider_refund_no']).where('id', '=', refundId).executeTakeFirstOrThrow();
    expect(await asked()).toEqual({ provider_status: null, provider_refund_no: null }); // not inside the refund's transaction
    await t.api.advance(0);
    expect((await asked()).provider_status).toBe('accepted');
  });

  it('reconciliation pays a payment whose notification never came, by querying the provider', async () => {
    const { orderId, payment } = await order(channel);
    await t.api.ok('POST', `/api/sandbox/payments/${payment.id}/succeed`, { body: { notify: false } });
    expect(await state(orderId, payment.id)).toMatchObject({ order: 'pending_payment', payment: 'pending' });
    await t.api.advance(10); // rule payment.reconcile-after (10 minutes by default); the order expires at 15
    const s = await state(orderId, payment.id);
    expect(s).toMatchObject({ order: 'delivered', payment: 'succeeded', paymentEntries: 1 });
    expect(s.notifications.map((n) => n.source)).toEqual([`reconcile:${channel}`]);
  });
});

describe('reconciliation over time', () => {
  it('asks again while the provider has no payment, pays once it has, and stops after the window', async () => {
    const someone = await t.api.user('buyer');
    const open = async () => (await t.api.ok('POST', '/api/wallet/topups', { token: someone.token, body: { amount: 700, channel: 'wechat' } })).payment as { id: string; amount: number };
    const pendingChecks = (paymentId: string) => t.kameng.ctx.db.selectFrom('jobs').select('ref_id')
      .where('kind', '=', 'payment_reconcile').where('ref_id', 'like', `${paymentId}%`).where('status', '=', 'pending').execute();
    const paid = await open();
    await t.api.advance(10); // the provider has no such trade yet: asked again later
    expect(await pendingChecks(paid.id)).toHaveLength(1);
    expect(await t.api.wallet(someone)).toBe(0);
    await t.api.ok('POST', `/api/sandbox/payments/${paid.id}/succeed`, { body: { notify: false } });
    await t.api.advance(10);
    expect(await t.api.wallet(someone)).toBe(700);
    expect(await pendingChecks(paid.id)).toHaveLength(0);

    const abandoned = await open();
    await t.api.advance(1440 + 20); // rule payment.reconcile-window: one day of checks, then none
    expect(await pendingChecks(abandoned.id)).toHaveLength(0);
    expect((await t.kameng.ctx.db.selectFrom('payments').select('status').where('id', '=', abandoned.id).executeTakeFirstOrThrow()).status).toBe('pending');
  });
});

describe('WeChat Pay replay protection', () => {
  it('a correctly signed notification older than five minutes is refused', async () => {
    const { orderId, payment } = await order('wechat');
    const n = paidNotification('wechat', payment);
    await t.api.advance(6);
    const res = await deliver(n);
    expect(res.statusCode).toBe(400);
    expect(await state(orderId, payment.id)).toMatchObject({ payment: 'pending' });
  });
});

describe('races', () => {
  it.each(railChannels)('the same %s notification delivered 8 times at once pays once, the ledger balanced', async (channel) => {
    const logged = t.loggedErrors.length;
    const { orderId, payment } = await order(channel);
    const n = paidNotification(channel, payment);
    const answers = await Promise.all(Array.from({ length: 8 }, () => deliver(n)));
    expect(answers.map((a) => a.statusCode)).toEqual(Array(8).fill(200));
    expect(summarizeLoggedErrors(t.loggedErrors.slice(logged))).toEqual([]);
    const s = await state(orderId, payment.id);
    expect(s).toMatchObject({ order: 'delivered', paymentEntries: 1, paidEvents: 1 });
    expect(s.notifications).toHaveLength(1);
  });
});

describe('deposits and top-ups', () => {
  it('a wallet top-up on a real channel credits the wallet once its notification is verified', async () => {
    const someone = await t.api.user('buyer');
    const { payment } = await t.api.ok('POST', '/api/wallet/topups', { token: someone.token, body: { amount: 5_000, channel: 'alipay' } });
    expect(payment.payAction.kind).toBe('redirect');
    await t.api.ok('POST', `/api/sandbox/payments/${payment.id}/succeed`);
    expect(await t.api.wallet(someone)).toBe(5_000);
  });

  it('an unknown channel is refused when the payment is opened', async () => {
    const someone = await t.api.user('buyer');
    const res = await t.api.call('POST', '/api/wallet/topups', { token: someone.token, body: { amount: 5_000, channel: 'paypal' } });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('CHANNEL_NOT_SUPPORTED');
  });
});

describe('a provider payment for an order the buyer cancelled', () => {
  it.each(railChannels)('%s: the money moved at the provider, so the order is delivered (stock reserved again), never refused', async (channel) => {
    const { orderId, payment } = await order(channel);
    await t.api.ok('POST', `/api/orders/${orderId}/cancel`, { token: buyer.token });
    expect(await state(orderId, payment.id)).toMatchObject({ order: 'cancelled', payment: 'cancelled' });

    const answer = await deliver(paidNotification(channel, payment));
    expect(answer.statusCode).toBeLessThan(300);
    const after = await state(orderId, payment.id);
    expect(after).toMatchObject({ order: 'delivered', payment: 'succeeded', paymentEntries: 1, paidEvents: 1 });
    const view = await t.api.ok('GET', `/api/orders/${orderId}`, { token: buyer.token });
    expect(view.status).toBe('delivered');
  });

  it('the sandbox button (no provider behind it) still refuses a cancelled payment', async () => {
    const created = await t.api.buy(buyer, productId, { channel: 'sandbox' });
    await t.api.ok('POST', `/api/orders/${created.order.id}/cancel`, { token: buyer.token });
    const res = await t.api.call('POST', `/api/sandbox/payments/${created.payment.id}/succeed`);
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('PAYMENT_CANCELLED');
  });
});
