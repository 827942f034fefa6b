import { describe, expect, it } from 'vitest';
import { deliveredKeyOrder, fileCase, stockOf } from '../support/aftersales';
import { useTestApp } from '../support/harness';

const t = useTestApp();

describe('automatic review from the platform records', () => {
  it('秒退: an unrevealed key inside 5 minutes is refunded at once and goes back to stock', async () => {
    const { product, buyer, order } = await deliveredKeyOrder(t.api, { keys: 3 });
    expect(await stockOf(t.api, product.id)).toBe(2);
    await t.api.advance(3);
    await t.api.ok('POST', `/api/orders/${order.id}/messages`, { token: buyer.token, body: { body: '买错了，能退吗？' } });
    const res = await fileCase(t.api, buyer, order.id, { reason: 'buyer_mistake', description: '买错面额了，想要 ¥100 的卡，刚下单 3 分钟' });
    expect(res.status).toBe(201);
    expect(res.body.status).toBe('auto_approved');
    expect(res.body.decision).toMatchObject({ outcome: 'refund', amount: 1_000, ruleId: 'aftersales.instant-refund-window', decidedBy: 'system' });
    expect(res.body.decision.ruleVersion).toBe(1);
    expect(res.body.refunds).toHaveLength(1);
    expect(await stockOf(t.api, product.id)).toBe(3);
    const after = await t.api.ok('GET', `/api/orders/${order.id}`, { token: buyer.token });
    expect(after).toMatchObject({ status: 'refunded', refunded: 1_000, escrow: 0 });
    // The answer is built from what the filing wrote, not read back: it must be the case as stored.
    const { checklist: _checklist, prefilled: _prefilled, ...filed } = res.body;
    expect(await t.api.ok('GET', `/api/refund-cases/${res.body.id}`, { token: buyer.token })).toEqual(filed);
    expect(filed.events.map((e: { type: string }) => e.type)).toEqual(['case_opened', 'refund_created', 'case_decided']);
    expect(filed.systemEvidence.chat.messages).toHaveLength(1);
  });

  it('a revealed key is refused a no-reason refund, citing the rule', async () => {
    const { buyer, order } = await deliveredKeyOrder(t.api, { product: { noReasonRefund: { allowed: true, feeRate: 500 } } });
    await t.api.ok('POST', `/api/orders/${order.id}/keys/reveal`, { token: buyer.token });
    const res = await fileCase(t.api, buyer, order.id, { reason: 'no_reason', description: '不想要了，想退款，查看后觉得用不上' });
    expect(res.status).toBe(422);
    expect(res.body.error).toMatchObject({ code: 'KEY_REVEALED', rule: 'aftersales.no-reason-revealed' });
    const timeline = await t.api.ok('GET', `/api/orders/${order.id}/timeline`, { token: buyer.token });
    expect(timeline.events.at(-1)).toMatchObject({ type: 'case_refused', data: { ruleId: 'aftersales.no-reason-revealed', ruleVersion: 1 } });
  });

  it('a no-reason refund the product allows is paid minus its fee and the unrevealed key returns to stock', async () => {
    const { product, buyer, order } = await deliveredKeyOrder(t.api, { price: 2_000, product: { noReasonRefund: { allowed: true, feeRate: 500 } } });
    await t.api.advance(10);
    const res = await fileCase(t.api, buyer, order.id, { reason: 'no_reason', description: '不需要了，卡密没有查看过，申请无理由退款' });
    expect(res.status).toBe(201);
    expect(res.body.decision).toMatchObject({ outcome: 'partial', amount: 1_900, ruleId: 'aftersales.no-reason-refund' });
    expect(await stockOf(t.api, product.id)).toBe(3);
    const after = await t.api.ok('GET', `/api/orders/${order.id}`, { token: buyer.token });
    expect(after).toMatchObject({ refunded: 1_900, escrow: 100 });
  });

  it('a product without no-reason refunds refuses one with the rule', async () => {
    const { buyer, order } = await deliveredKeyOrder(t.api);
    await t.api.advance(10);
    const res = await fileCase(t.api, buyer, order.id, { reason: 'no_reason', description: '不想要了，卡密没有查看过' });
    expect(res.status).toBe(422);
    expect(res.body.error.rule).toBe('aftersales.no-reason-default');
  });

  it('a key problem reported after the 1-hour window is refused with the rule', async () => {
    const { buyer, order } = await deliveredKeyOrder(t.api);
    await t.api.ok('POST', `/api/orders/${order.id}/keys/reveal`, { token: buyer.token });
    await t.api.advance(61);
    const res = await fileCase(t.api, buyer, order.id, {});
    expect(res.status).toBe(422);
    expect(res.body.error).toMatchObject({ code: 'REFUND_WINDOW_CLOSED', rule: 'aftersales.card-key-report-window' });
  });

  it('manual goods past the promised delivery time with nothing delivered are refunded at once', async () => {
    const shop = await t.api.makeShop();
    const product = await t.api.makeProduct(shop, { type: 'manual', price: 5_000 });
    const buyer = await t.api.user('buyer');
    const order = await t.api.buyAndPay(buyer, product.id);
    expect(order.status).toBe('delivering');
    const early = await fileCase(t.api, buyer, order.id, { reason: 'not_delivered', description: '付款 30 分钟了还没有发货，商家没回复' });
    expect(early.status).toBe(422);
    expect(early.body.error.rule).toBe('aftersales.manual-promised-time');
    await t.api.advance(61);
    const res = await fileCase(t.api, buyer, order.id, { reason: 'not_delivered', description: '超过承诺的 1 小时仍未发货，商家已读未回' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: 'auto_approved', decision: { amount: 5_000, ruleId: 'aftersales.manual-promised-time' } });
    const late = await t.api.call('POST', `/api/orders/${order.id}/deliver`, { token: shop.merchant.token, body: { content: 'too late' } });
    expect(late.status).toBe(409);
  });

  it('a high-risk buyer gets no automatic approval: the case goes to the merchant', async () => {
    const { buyer, order } = await deliveredKeyOrder(t.api);
    const admin = await t.api.user('admin');
    await t.api.ok('POST', `/api/admin/users/${buyer.user.id}/risk`, { token: admin.token, body: { level: 'high' } });
    const res = await fileCase(t.api, buyer, order.id, { reason: 'buyer_mistake', description: '买错了，刚下单 1 分钟，没查看卡密' });
    expect(res.status).toBe(201);
    expect(res.body.status).toBe('awaiting_merchant');
    expect(res.body.deadlines.merchantBy).toBeTruthy();
  });

  it('a vague description comes back with warnings and the checklist, the platform facts pre-filled', async () => {
    const { buyer, order } = await deliveredKeyOrder(t.api);
    const revealed = await t.api.ok('POST', `/api/orders/${order.id}/keys/reveal`, { token: buyer.token });
    const res = await fileCase(t.api, buyer, order.id, { reason: 'key_invalid', description: '不能用' });
    expect(res.status).toBe(201);
    const codes = res.body.warnings.map((w: { code: string }) => w.code);
    expect(codes).toEqual(expect.arrayContaining(['DESCRIPTION_TOO_SHORT', 'DESCRIPTION_VAGUE', 'EVIDENCE_MISSING_PROBLEM']));
    expect(res.body.checklist.find((c: { kind: string }) => c.kind === 'transaction')).toMatchObject({ byPlatform: true, provided: true });
    expect(res.body.prefilled.order.orderNo).toBe(order.orderNo);
    expect(res.body.systemEvidence.revealLog).toHaveLength(1);
    // The platform's records keep their times in UTC ISO, as the order and the reveal answered them.
    const seen = await t.api.ok('GET', `/api/orders/${order.id}`, { token: buyer.token });
    expect(res.body.prefilled.deliveryLog.map((d: { at: string }) => d.at)).toEqual(seen.deliveries.map((d: { at: string }) => d.at));
    expect(res.body.prefilled.deliveryLog).toHaveLength(1);
    expect(res.body.prefilled.revealLog).toEqual([expect.objectContaining({ itemId: seen.items[0].id, at: revealed.keys[0].revealedAt, consent: revealed.consentText })]);
    expect(res.body.prefilled.refunds).toEqual([]);
    expect(res.body.prefilled.supplier).toBeNull();
  });

  it('one open case per order, and the open case freezes escrow past auto-confirm', async () => {
    const { shop, buyer, order } = await deliveredKeyOrder(t.api);
    await t.api.ok('POST', `/api/orders/${order.id}/keys/reveal`, { token: buyer.token });
    expect((await fileCase(t.api, buyer, order.id, {})).status).toBe(201);
    const second = await fileCase(t.api, buyer, order.id, {});
    expect(second.status).toBe(422);
    expect(second.body.error.rule).toBe('aftersales.one-open-case');
    const confirm = await t.api.call('POST', `/api/orders/${order.id}/confirm`, { token: buyer.token });
    expect(confirm.status).toBe(409);
    expect((await t.api.balance(shop)).escrow).toBe(1_000);
  });
});
