import { randomUUID } from 'node:crypto';
import type { KyselyPlugin } from 'kysely';
import { describe, expect, it } from 'vitest';
import { listAdminShops } from '../../src/admin/shops';
import { fileCase, tinyPng, uploadEvidence } from '../support/aftersales';
import type { Session } from '../support/api';
import { useTestApp } from '../support/harness';

const t = useTestApp();
const identityBody = { kind: 'real_name', name: '张三', number: '11010519491231002X', contactPhone: '13800138000' };

/** A merchant's shop with the given name and paid deposit (fen; 0 leaves it waiting for its deposit). */
async function shopNamed(name: string, deposit = 10_000): Promise<{ merchant: Session; shopId: string }> {
  const merchant = await t.api.user('merchant');
  const shop = await t.api.ok('POST', '/api/shops', { token: merchant.token, body: { name } });
  if (deposit > 0) {
    const { payment } = await t.api.ok('POST', `/api/shops/${shop.id}/deposit`, { token: merchant.token, body: { amount: deposit, channel: 'sandbox' } });
    await t.api.pay(payment.id);
  }
  return { merchant, shopId: shop.id };
}

const list = (admin: Session, query: string) => t.api.ok('GET', `/api/admin/shops?${query}`, { token: admin.token });

describe('GET /api/admin/shops', () => {
  it('searches shop names and owner e-mails, filters by status, pages, and reports money, identity, credit and open cases per shop', async () => {
    const admin = await t.api.user('admin');
    const token = randomUUID().slice(0, 8);
    const first = await shopNamed(`甲-${token}-Alpha`, 12_000);
    const second = await shopNamed(`乙-${token}-beta`, 10_000);
    const waiting = await shopNamed(`丙-${token}-gamma`, 0);

    // Search is case-insensitive, over names; newest first; a LIKE wildcard in q is a literal character.
    const all = await list(admin, `q=${token.toUpperCase()}`);
    expect(all.total).toBe(3);
    expect(all.items.map((s: { id: string }) => s.id)).toEqual([waiting.shopId, second.shopId, first.shopId]);
    expect((await list(admin, `q=${encodeURIComponent(`${token}%`)}`)).total).toBe(0);
    // … and over the owner's e-mail.
    const byEmail = await list(admin, `q=${encodeURIComponent(second.merchant.user.email)}`);
    expect(byEmail.items.map((s: { id: string }) => s.id)).toEqual([second.shopId]);
    expect(byEmail.items[0].ownerEmail).toBe(second.merchant.user.email);

    // Status filter and paging keep the total of the whole filtered set.
    const pending = await list(admin, `q=${token}&status=pending_deposit`);
    expect(pending.items.map((s: { id: string }) => s.id)).toEqual([waiting.shopId]);
    expect(pending.items[0]).toMatchObject({ status: 'pending_deposit', depositBalance: 0 });
    const pageOne = await list(admin, `q=${token}&limit=2`);
    const pageTwo = await list(admin, `q=${token}&limit=2&offset=2`);
    expect([pageOne.items.length, pageOne.total, pageTwo.items.length, pageTwo.total]).toEqual([2, 3, 1, 3]);
    expect([...pageOne.items, ...pageTwo.items].map((s: { id: string }) => s.id)).toEqual(all.items.map((s: { id: string }) => s.id));
    expect((await list(admin, `q=${token}&offset=50`))).toMatchObject({ items: [], total: 3 });

    // Identity goes none → pending → approved (verified).
    const row = async (shopId: string) => (await list(admin, `q=${token}`)).items.find((s: { id: string }) => s.id === shopId);
    expect(await row(first.shopId)).toMatchObject({ identityStatus: 'none', verified: false, depositBalance: 12_000, availableBalance: 0, receivable: 0, openCases: 0 });
    const identity = await t.api.ok('POST', `/api/shops/${first.shopId}/identity`, { token: first.merchant.token, body: identityBody });
    expect(await row(first.shopId)).toMatchObject({ identityStatus: 'pending', verified: false });
    await t.api.ok('POST', `/api/admin/identities/${identity.id}/decision`, { token: admin.token, body: { decision: 'approved' } });
    expect(await row(first.shopId)).toMatchObject({ identityStatus: 'approved', verified: true });

    // A sale, then a refund case the merchant has not answered: one open case; credit agrees with the public shop page.
    const product = await t.api.makeProduct(first, { keys: 2, price: 1_000 });
    const buyer = await t.api.user('buyer');
    const order = await t.api.buyAndPay(buyer, product.id);
    await t.api.ok('POST', `/api/orders/${order.id}/keys/reveal`, { token: buyer.token });
    const proof = await uploadEvidence(t.api, buyer, tinyPng, 'problem');
    const filed = await fileCase(t.api, buyer, order.id, { evidenceIds: [proof.body.id] });
    expect(filed.status).toBe(201);
    const withCase = await row(first.shopId);
    const publicPage = await t.api.ok('GET', `/api/shops/${first.shopId}`);
    expect(withCase).toMatchObject({
      openCases: 1, creditScore: publicPage.merchant.creditScore, refundRate: publicPage.merchant.refundRate,
      rating: publicPage.merchant.rating, ratingCount: publicPage.merchant.ratingCount, ownerId: first.merchant.user.id,
    });
  });

  it('suspends with a reason that is stored, listed, sent to the owner and kept in the history; the products leave the storefront until reinstated', async () => {
    const admin = await t.api.user('admin');
    const shop = await shopNamed(`停业-${randomUUID().slice(0, 8)}`);
    await t.api.makeProduct(shop, { keys: 1 });
    const onSale = async () => (await t.api.ok('GET', `/api/products?shopId=${shop.shopId}`)).total as number;
    expect(await onSale()).toBe(1);

    const suspended = await t.api.ok('POST', `/api/admin/shops/${shop.shopId}/suspension`, { token: admin.token, body: { suspended: true, reason: '  多名买家投诉卡密已被使用  ' } });
    expect(suspended).toMatchObject({ id: shop.shopId, status: 'suspended', suspensionReason: '多名买家投诉卡密已被使用' });
    expect(await onSale()).toBe(0);
    const listed = await list(admin, 'status=suspended&limit=100');
    expect(listed.items.find((s: { id: string }) => s.id === shop.shopId)).toMatchObject({ status: 'suspended', suspensionReason: '多名买家投诉卡密已被使用' });
    // Suspending a suspended shop changes nothing and adds no history.
    await t.api.ok('POST', `/api/admin/shops/${shop.shopId}/suspension`, { token: admin.token, body: { suspended: true, reason: '重复操作' } });

    const notices = await t.api.ok('GET', '/api/notifications', { token: shop.merchant.token });
    expect(notices.items.find((n: { kind: string }) => n.kind === 'shop_suspended')?.body).toContain('多名买家投诉卡密已被使用');

    const reinstated = await t.api.ok('POST', `/api/admin/shops/${shop.shopId}/suspension`, { token: admin.token, body: { suspended: false, reason: '商家已补发并说明情况' } });
    expect(reinstated).toMatchObject({ status: 'active', suspensionReason: null });
    expect(await onSale()).toBe(1);

    const detail = await t.api.ok('GET', `/api/admin/shops/${shop.shopId}`, { token: admin.token });
    expect(detail.suspensions.map((s: { action: string; reason: string }) => [s.action, s.reason])).toEqual([
      ['reinstated', '商家已补发并说明情况'], ['suspended', '多名买家投诉卡密已被使用'],
    ]);
    expect(detail.suspensions[0].by).toBeTruthy();
    expect(detail.products).toEqual({ total: 1, onSale: 1 });
  });

  it('reinstating a shop whose deposit is short puts it back to waiting for its deposit, not on sale', async () => {
    const admin = await t.api.user('admin');
    const shop = await shopNamed(`保证金-${randomUUID().slice(0, 8)}`, 0);
    await t.api.ok('POST', `/api/admin/shops/${shop.shopId}/suspension`, { token: admin.token, body: { suspended: true, reason: '资料不实' } });
    const back = await t.api.ok('POST', `/api/admin/shops/${shop.shopId}/suspension`, { token: admin.token, body: { suspended: false } });
    expect(back.status).toBe('pending_deposit');
    // Reinstating a shop that is not suspended leaves its status alone and records nothing.
    await t.api.ok('POST', `/api/admin/shops/${shop.shopId}/suspension`, { token: admin.token, body: { suspended: false } });
    const detail = await t.api.ok('GET', `/api/admin/shops/${shop.shopId}`, { token: admin.token });
    expect(detail.shop.status).toBe('pending_deposit');
    expect(detail.suspensions.map((s: { action: string; reason: string | null }) => [s.action, s.reason])).toEqual([['reinstated', null], ['suspended', '资料不实']]);
  });
});

describe('the shop table\'s cost', () => {
  it('takes the same number of queries for one shop as for a page of six (no query per shop)', async () => {
    const admin = await t.api.user('admin');
    const token = randomUUID().slice(0, 8);
    for (let i = 0; i < 6; i += 1) await shopNamed(`成本-${token}-${i}`);
    let queries = 0;
    const counting: KyselyPlugin = { transformQuery: (args) => { queries += 1; return args.node; }, transformResult: async (args) => args.result };
    const ctx = { ...t.kameng.ctx, db: t.kameng.ctx.db.withPlugin(counting) };
    const actor = { kind: 'user' as const, userId: admin.user.id, role: 'admin' as const };
    const cost = async (q: string) => {
      queries = 0;
      const page = await listAdminShops(ctx, actor, { q, limit: 20 });
      return { shops: page.items.length, queries };
    };
    const one = await cost(`${token}-0`);
    const six = await cost(token);
    expect([one.shops, six.shops]).toEqual([1, 6]);
    expect(one.queries).toBeGreaterThanOrEqual(2); // the page and its count, at least: the counter sees the queries
    expect(six.queries).toBe(one.queries);
    expect(six.queries).toBeLessThanOrEqual(10);
  });
});

describe('GET /api/admin/shops/:id', () => {
  it('shows balances, credit components, identity, recent cases and the deposit account movements with the balance after each', async () => {
    const admin = await t.api.user('admin');
    const shop = await shopNamed(`详情-${randomUUID().slice(0, 8)}`, 10_000);
    const { payment } = await t.api.ok('POST', `/api/shops/${shop.shopId}/deposit`, { token: shop.merchant.token, body: { amount: 5_000, channel: 'sandbox' } });
    await t.api.pay(payment.id);
    const product = await t.api.makeProduct(shop, { keys: 2, price: 2_000 });
    const buyer = await t.api.user('buyer');
    const order = await t.api.buyAndPay(buyer, product.id);
    await t.api.ok('POST', `/api/orders/${order.id}/keys/reveal`, { token: buyer.token });
    const filed = await fileCase(t.api, buyer, order.id, {});
    expect(filed.status).toBe(201);

    const detail = await t.api.ok('GET', `/api/admin/shops/${shop.shopId}`, { token: admin.token });
    expect(detail.shop).toMatchObject({ id: shop.shopId, status: 'active', depositBalance: 15_000, openCases: 1, identityStatus: 'none' });
    expect(detail.balance).toMatchObject({ deposit: 15_000, available: 0, escrow: 2_000, receivable: 0 });
    expect(detail.identity).toEqual({ verified: false, current: null });
    expect(detail.depositMovements.map((m: { kind: string; amount: number; balanceAfter: number }) => [m.kind, m.amount, m.balanceAfter])).toEqual([
      ['deposit', 5_000, 15_000], ['deposit', 10_000, 10_000],
    ]);
    expect(detail.recentCases).toEqual([expect.objectContaining({ id: filed.body.id, orderId: order.id, orderNo: order.orderNo, reason: 'key_invalid', status: filed.body.status })]);
    expect(detail.credit.components.map((c: { id: string }) => c.id)).toEqual(['refund_rate', 'cases_lost', 'response_time', 'rating', 'off_platform']);
    expect(detail.credit.facts.paidOrders).toBe(1);
    expect(detail.suspensions).toEqual([]);
  });

  it('answers an unknown shop with 404 SHOP_NOT_FOUND and bad filters with a 400 naming the field', async () => {
    const admin = await t.api.user('admin');
    const missing = await t.api.call('GET', `/api/admin/shops/${randomUUID()}`, { token: admin.token });
    expect([missing.status, missing.body.error.code]).toEqual([404, 'SHOP_NOT_FOUND']);
    for (const query of ['status=closed', 'limit=0', 'limit=101', 'offset=-1', `q=${'x'.repeat(101)}`]) {
      const res = await t.api.call('GET', `/api/admin/shops?${query}`, { token: admin.token });
      expect(res.status, query).toBe(400);
      expect(res.body.error.code, query).toBeTruthy();
    }
    expect((await t.api.call('GET', '/api/admin/shops/not-a-uuid', { token: admin.token })).status).toBe(400);
  });

  it('is for admins only: staff, merchants (even the owner) and buyers are refused before anything is read', async () => {
    const shop = await shopNamed(`权限-${randomUUID().slice(0, 8)}`);
    for (const session of [await t.api.user('staff'), shop.merchant, await t.api.user('buyer')]) {
      for (const url of ['/api/admin/shops', `/api/admin/shops/${shop.shopId}`]) {
        const res = await t.api.call('GET', url, { token: session.token });
        expect([res.status, res.body.error.code], `${session.user.role} ${url}`).toEqual([403, 'FORBIDDEN']);
      }
    }
    expect((await t.api.call('GET', '/api/admin/shops')).status).toBe(401);
  });
});
