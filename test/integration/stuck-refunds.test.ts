import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { refundQueryMinutes } from '../../src/payments/provider-refund';
import type { Session } from '../support/api';
import { fileCase } from '../support/aftersales';
import { useTestApp } from '../support/harness';

/** Refunds stuck in processing: listed for staff with the provider's last word, resolved once (PGlite and PostgreSQL). */
const t = useTestApp({ checkLedgerAfterEach: true });
const db = () => t.kameng.ctx.db;

const refundRow = (id: string) => db().selectFrom('refunds').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
const entries = (orderId: string, kind: string) => db().selectFrom('journal_entries').select('id').where('order_id', '=', orderId).where('kind', '=', kind).execute();

/**
 * A guest's Alipay order refunded at once (a buyer mistake before the key was seen), with the
 * provider armed to refuse the refund: a guest has no wallet, so the refund stays pending.
 */
async function guestRefundRefused() {
  const shop = await t.api.makeShop();
  const product = await t.api.makeProduct(shop, { keys: 1, price: 1_500 });
  const created = await t.api.ok('POST', '/api/orders', {
    headers: { 'idempotency-key': randomUUID() },
    body: { productId: product.id, quantity: 1, channel: 'alipay', guest: { contact: `guest-${randomUUID().slice(0, 8)}@example.com`, queryPassword: 'guest-query-1' } },
  });
  await t.api.ok('POST', `/api/sandbox/payments/${created.payment.id}/succeed`);
  const guest = { token: created.guestToken } as Session;
  const filed = await fileCase(t.api, guest, created.order.id, { reason: 'buyer_mistake', description: '买错面额了，刚下单一分钟，卡密还没看' });
  expect(filed.body.refunds).toMatchObject([{ channel: 'alipay', amount: 1_500, status: 'pending' }]);
  const refundId = filed.body.refunds[0].id as string;
  expect((await t.api.ok('POST', `/api/sandbox/refunds/${refundId}/outcome`, { body: { outcome: 'failed' } })).armed).toBe(true);
  await t.api.advance(0);
  return { orderId: created.order.id as string, orderNo: created.order.orderNo as string, refundId };
}

describe('GET /api/admin/refunds/stuck', () => {
  it('lists a guest refund the channel refused (no wallet to fall back to) with the provider\'s answer; staff retry it and it arrives', async () => {
    const { orderId, orderNo, refundId } = await guestRefundRefused();
    expect(await refundRow(refundId)).toMatchObject({ status: 'pending', channel: 'alipay', provider_status: 'refused', fallback_from: null });
    const staff = await t.api.user('staff');
    const list = await t.api.ok('GET', '/api/admin/refunds/stuck', { token: staff.token });
    const item = list.items.find((i: { id: string }) => i.id === refundId);
    expect(item).toMatchObject({ orderId, orderNo, guest: true, amount: 1_500, channel: 'alipay', stuck: 'channel_failed', providerStatus: 'refused' });
    expect(item.lastProviderAnswer.text).toContain('ACQ.TRADE_STATUS_ERROR');
    expect(list.count).toBeGreaterThanOrEqual(1);

    const retried = await t.api.ok('POST', `/api/admin/refunds/${refundId}/resolve`, { token: staff.token, body: { action: 'retry' } });
    expect(retried.refund).toMatchObject({ id: refundId, status: 'pending', resolution: null });
    const again = await t.api.call('POST', `/api/admin/refunds/${refundId}/resolve`, { token: staff.token, body: { action: 'retry' } });
    expect([again.status, again.body.error.code]).toEqual([409, 'REFUND_NOT_STUCK']);
    // The same out_request_no is asked again; Alipay accepts it and the refund query finds it paid.
    await t.api.advance(0);
    expect(await refundRow(refundId)).toMatchObject({ status: 'pending', provider_status: 'accepted', stuck_at: null });
    await t.api.advance(refundQueryMinutes);
    expect(await refundRow(refundId)).toMatchObject({ status: 'succeeded', channel: 'alipay' });
    expect(await entries(orderId, 'refund_arrival')).toHaveLength(1);
    const after = await t.api.ok('GET', '/api/admin/refunds/stuck', { token: staff.token });
    expect(after.items.map((i: { id: string }) => i.id)).not.toContain(refundId);
  });

  it('lists a refund past its channel\'s arrival window as overdue; buyers and merchants are refused', async () => {
    const shop = await t.api.makeShop();
    const product = await t.api.makeProduct(shop, { keys: 1, price: 800 });
    const buyer = await t.api.user('buyer');
    const created = await t.api.buy(buyer, product.id, { channel: 'wechat' });
    await t.api.ok('POST', `/api/sandbox/payments/${created.payment.id}/succeed`);
    const filed = await fileCase(t.api, buyer, created.order.id, { reason: 'buyer_mistake', description: '买错面额了，刚下单一分钟，卡密还没看' });
    const refundId = filed.body.refunds[0].id as string;
    await t.api.advance(0);
    // WeChat accepted it; a provider that never finishes is not something the simulator does, so its window is moved into the past.
    const now = t.kameng.ctx.clock.now();
    await db().updateTable('refunds').set({ expected_by: new Date(now.getTime() - 60_000) }).where('id', '=', refundId).execute();
    const admin = await t.api.user('admin');
    const list = await t.api.ok('GET', '/api/admin/refunds/stuck', { token: admin.token });
    expect(list.items.find((i: { id: string }) => i.id === refundId)).toMatchObject({ guest: false, channel: 'wechat', stuck: 'overdue', providerStatus: 'accepted', lastProviderAnswer: { text: 'accepted' } });
    expect((await t.api.call('GET', '/api/admin/refunds/stuck', { token: buyer.token })).status).toBe(403);
    expect((await t.api.call('POST', `/api/admin/refunds/${refundId}/resolve`, { token: shop.merchant.token, body: { action: 'retry' } })).status).toBe(403);
    expect((await t.api.call('POST', `/api/admin/refunds/${refundId}/resolve`, { token: admin.token, body: { action: 'paid_out_of_band' } })).status).toBe(400);
  });
});

describe('POST /api/admin/refunds/:id/resolve paid_out_of_band', () => {
  it('eight concurrent resolves act once: one balanced entry, the refund paid with the note, the rest 409; a retry after it is 409 too', async () => {
    const { orderId, refundId } = await guestRefundRefused();
    const [staff, admin] = [await t.api.user('staff'), await t.api.user('admin')];
    const answers = await Promise.all(Array.from({ length: 8 }, (_, i) => t.api.call('POST', `/api/admin/refunds/${refundId}/resolve`, {
      token: (i % 2 ? staff : admin).token, body: { action: 'paid_out_of_band', note: `银行转账 流水号 2026120100${i}` },
    })));
    expect(answers.map((a) => a.status).sort()).toEqual([200, ...Array(7).fill(409)]);
    expect(answers.filter((a) => a.status === 409).map((a) => a.body.error.code)).toEqual(Array(7).fill('REFUND_NOT_STUCK'));
    expect(answers.find((a) => a.status === 200)!.body.refund).toMatchObject({ id: refundId, status: 'succeeded', resolution: 'paid_out_of_band' });
    const row = await refundRow(refundId);
    expect(row).toMatchObject({ status: 'succeeded', resolution: 'paid_out_of_band', resolution_note: expect.stringMatching(/^银行转账 流水号/), stuck_at: null });
    expect(row.resolved_by).toMatch(/^(staff|admin):/);
    expect(await entries(orderId, 'refund_out_of_band')).toHaveLength(1);
    const events = await db().selectFrom('order_events').select('type').where('order_id', '=', orderId).where('type', '=', 'refund_paid_out_of_band').execute();
    expect(events).toHaveLength(1);
    const retry = await t.api.call('POST', `/api/admin/refunds/${refundId}/resolve`, { token: staff.token, body: { action: 'retry' } });
    expect([retry.status, retry.body.error.code]).toEqual([409, 'REFUND_NOT_STUCK']);
    expect((await t.api.ok('GET', '/api/admin/ledger/check', { token: admin.token })).balanced).toBe(true);
  });
});
