import { describe, expect, it } from 'vitest';
import { deliveredKeyOrder, fileCase, uploadEvidence, tinyPng } from '../support/aftersales';
import type { Session } from '../support/api';
import { useTestApp } from '../support/harness';

const t = useTestApp();

/** A case on a revealed key, contested by the merchant and escalated: ready for a staff decision. */
async function escalatedCase(buyer?: Session) {
  const shop = await t.api.makeShop();
  const product = await t.api.makeProduct(shop, { keys: 1, price: 1_000 });
  const who = buyer ?? await t.api.user('buyer');
  const order = await t.api.buyAndPay(who, product.id);
  await t.api.ok('POST', `/api/orders/${order.id}/keys/reveal`, { token: who.token });
  const proof = await uploadEvidence(t.api, who, tinyPng, 'problem');
  const opened = await fileCase(t.api, who, order.id, { evidenceIds: [proof.body.id] });
  expect(opened.status).toBe(201);
  await t.api.ok('POST', `/api/refund-cases/${opened.body.id}/merchant-response`, { token: shop.merchant.token, body: { action: 'contest', message: '卡密已被买家本人兑换，后台有记录' } });
  await t.api.ok('POST', `/api/refund-cases/${opened.body.id}/escalate`, { token: who.token });
  return { buyer: who, caseId: opened.body.id as string };
}

const reject = (staff: Session, caseId: string) => t.api.ok('POST', `/api/refund-cases/${caseId}/decision`, {
  token: staff.token, body: { outcome: 'reject', ruleId: 'aftersales.judgement.claim-unproven', reason: '平台记录显示卡密由买家账号兑换，举证不足' },
});

describe('buyer risk from the platform\'s own record (DESIGN.md: Trust, computed from facts)', () => {
  it('a third rejected claim in 30 days flags the buyer high-risk with the rule as reason; staff see it and can clear it', async () => {
    const staff = await t.api.user('staff');
    const admin = await t.api.user('admin');
    const first = await escalatedCase();
    await reject(staff, first.caseId);
    const second = await escalatedCase(first.buyer);
    await reject(staff, second.caseId);
    const risk = async () => (await t.api.ok('GET', `/api/admin/users?q=${encodeURIComponent(first.buyer.user.email)}`, { token: admin.token })).items[0];
    expect((await risk()).risk).toBe('normal');
    const third = await escalatedCase(first.buyer);
    await reject(staff, third.caseId);
    expect(await risk()).toMatchObject({ risk: 'high', riskReason: expect.stringContaining('risk.rejected-claims-30d') });
    // The next case shows staff why; the buyer's own view does not.
    const next = await escalatedCase(first.buyer);
    const staffView = await t.api.ok('GET', `/api/refund-cases/${next.caseId}`, { token: staff.token });
    expect(staffView.buyerRisk).toMatchObject({ level: 'high', setBy: 'system' });
    expect((await t.api.ok('GET', `/api/refund-cases/${next.caseId}`, { token: first.buyer.token })).buyerRisk).toBeUndefined();
    // Staff clear it; the old rejections no longer count.
    await t.api.ok('POST', `/api/admin/users/${first.buyer.user.id}/risk`, { token: staff.token, body: { level: 'normal' } });
    await reject(staff, next.caseId);
    expect((await risk()).risk).toBe('normal');
  });

  it('a high-risk buyer gets no automatic approval: an unrevealed key inside the 秒退 window goes to the merchant', async () => {
    const staff = await t.api.user('staff');
    const { buyer, order } = await deliveredKeyOrder(t.api);
    await t.api.ok('POST', `/api/admin/users/${buyer.user.id}/risk`, { token: staff.token, body: { level: 'high', reason: '伪造截图' } });
    const opened = await fileCase(t.api, buyer, order.id, { reason: 'no_reason', description: '不想要了，未查看卡密' });
    expect(opened.status).toBe(201);
    expect(opened.body.status).toBe('awaiting_merchant');
  });
});

describe('admins disable accounts (forged evidence)', () => {
  it('a disabled buyer\'s session stops at once and sign-in is refused; enabling restores sign-in', async () => {
    const admin = await t.api.user('admin');
    const buyer = await t.api.user('buyer');
    await t.api.ok('POST', `/api/admin/users/${buyer.user.id}/status`, { token: admin.token, body: { status: 'disabled', reason: '伪造证据' } });
    expect((await t.api.call('GET', '/api/me', { token: buyer.token })).status).toBe(401);
    const login = await t.api.call('POST', '/api/auth/login', { body: { email: buyer.user.email, password: 'Passw0rd!long' } });
    expect([login.status, login.body.error.code]).toEqual([403, 'ACCOUNT_DISABLED']);
    const wrong = await t.api.call('POST', '/api/auth/login', { body: { email: buyer.user.email, password: 'not-the-password' } });
    expect(wrong.body.error.code).toBe('INVALID_CREDENTIALS'); // a guesser learns nothing about the account
    await t.api.ok('POST', `/api/admin/users/${buyer.user.id}/status`, { token: admin.token, body: { status: 'active', reason: '误判' } });
    expect((await t.api.call('POST', '/api/auth/login', { body: { email: buyer.user.email, password: 'Passw0rd!long' } })).status).toBe(200);
  });

  it("a disabled merchant's shop API key stops working; staff cannot disable anyone", async () => {
    const admin = await t.api.user('admin');
    const staff = await t.api.user('staff');
    const shop = await t.api.makeShop();
    const { key } = await t.api.ok('POST', `/api/shops/${shop.shopId}/api-keys`, { token: shop.merchant.token, body: { name: 'erp' } });
    expect((await t.api.call('GET', `/api/shops/${shop.shopId}/balance`, { token: key })).status).toBe(200);
    expect((await t.api.call('POST', `/api/admin/users/${shop.merchant.user.id}/status`, { token: staff.token, body: { status: 'disabled', reason: 'x' } })).status).toBe(403);
    await t.api.ok('POST', `/api/admin/users/${shop.merchant.user.id}/status`, { token: admin.token, body: { status: 'disabled', reason: '跑路' } });
    expect((await t.api.call('GET', `/api/shops/${shop.shopId}/balance`, { token: key })).status).toBe(401);
  });
});

describe('containment (商家跑路)', () => {
  it('a refund that draws the deposit below the minimum takes the shop off sale until it tops up', async () => {
    // Deposit exactly the minimum (¥10). The order settles and the merchant withdraws everything, so a
    // refund the merchant then accepts comes out of the deposit.
    const shop = await t.api.makeShop(1_000);
    const product = await t.api.makeProduct(shop, { keys: 3, price: 500 });
    const buyer = await t.api.user('buyer');
    const order = await t.api.buyAndPay(buyer, product.id);
    await t.api.ok('POST', `/api/orders/${order.id}/keys/reveal`, { token: buyer.token });
    await t.api.ok('POST', `/api/orders/${order.id}/confirm`, { token: buyer.token });
    const { available } = await t.api.balance(shop);
    await t.api.ok('POST', `/api/shops/${shop.shopId}/withdrawals`, { token: shop.merchant.token, body: { amount: available } });
    const opened = await fileCase(t.api, buyer, order.id, {});
    expect(opened.body.status).toBe('awaiting_merchant');
    await t.api.ok('POST', `/api/refund-cases/${opened.body.id}/merchant-response`, { token: shop.merchant.token, body: { action: 'accept', message: '同意退款' } });
    expect((await t.api.balance(shop)).deposit).toBe(500);
    expect((await t.api.call('GET', `/api/products/${product.id}`)).status).toBe(404);
    const buying = await t.api.call('POST', '/api/orders', { token: buyer.token, body: { productId: product.id, quantity: 1, channel: 'sandbox' } });
    expect(buying.status).toBe(404);
    // Topping the deposit up puts it back on sale.
    const { payment } = await t.api.ok('POST', `/api/shops/${shop.shopId}/deposit`, { token: shop.merchant.token, body: { amount: 500, channel: 'sandbox' } });
    await t.api.pay(payment.id);
    expect((await t.api.ok('GET', `/api/products/${product.id}`)).stock).toBe(2);
  });
});
