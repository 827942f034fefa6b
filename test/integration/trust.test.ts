import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { medianResponseMinutes, trustWindowStart } from '../../src/catalog/trust';
import type { Session } from '../support/api';
import { deliveredKeyOrder, fileCase, tinyPng, uploadEvidence } from '../support/aftersales';
import { useTestApp } from '../support/harness';

const t = useTestApp();

type Shop = { merchant: Session; shopId: string };
const keyProblem = { reason: 'key_invalid', description: '14:05 兑换卡密时提示“该卡已被使用”，已截图' };

const orderView = (order: { id: string }, who: Session) => t.api.ok('GET', `/api/orders/${order.id}`, { token: who.token });
const faults = async (order: { id: string }, who: Session) => (await orderView(order, who)).refunds.map((r: { fault: string }) => r.fault);
const shopPage = (shopId: string) => t.api.ok('GET', `/api/shops/${shopId}`);

/** A revealed card-key order of `shop` with a key-problem case waiting for the merchant. */
async function caseWithMerchant(shop: Shop, productId: string) {
  const buyer = await t.api.user('buyer');
  const order = await t.api.buyAndPay(buyer, productId);
  await t.api.ok('POST', `/api/orders/${order.id}/keys/reveal`, { token: buyer.token });
  const opened = await fileCase(t.api, buyer, order.id, keyProblem);
  expect(opened.body.status).toBe('awaiting_merchant');
  return { buyer, order, caseId: opened.body.id as string };
}

const respond = (shop: Shop, caseId: string, body: Record<string, unknown>) =>
  t.api.ok('POST', `/api/refund-cases/${caseId}/merchant-response`, { token: shop.merchant.token, body });

/** A paid top-up order the simulated supplier answers with `result`. */
async function topupOrder(productId: string, result: 'success' | 'failed') {
  const buyer = await t.api.user('buyer');
  const order = await t.api.buyAndPay(buyer, productId, { topupAccount: `player-${randomUUID().slice(0, 8)}` });
  await t.api.ok('POST', `/api/sandbox/topups/${order.id}/respond`, { body: { result } });
  return { buyer, order };
}

describe('fault recorded on every refund path', () => {
  it('秒退 and no-reason refunds are the buyer\'s fault; an accepted claim, a late manual delivery and a failed top-up are the merchant\'s', async () => {
    const instant = await deliveredKeyOrder(t.api);
    const res = await fileCase(t.api, instant.buyer, instant.order.id, { ...keyProblem });
    expect(res.body.decision.ruleId).toBe('aftersales.instant-refund-window');
    expect(res.body.refunds.map((r: { fault: string }) => r.fault)).toEqual(['buyer']);
    expect(await faults(instant.order, instant.buyer)).toEqual(['buyer']);

    const noReason = await deliveredKeyOrder(t.api, { product: { noReasonRefund: { allowed: true, feeRate: 500 } } });
    await t.api.advance(10);
    const noReasonCase = await fileCase(t.api, noReason.buyer, noReason.order.id, { reason: 'no_reason', description: '不需要了，卡密没有查看过，申请无理由退款' });
    expect(noReasonCase.body.decision.ruleId).toBe('aftersales.no-reason-refund');
    expect(await faults(noReason.order, noReason.buyer)).toEqual(['buyer']);

    const shop = await t.api.makeShop();
    const product = await t.api.makeProduct(shop, { keys: 5 });
    const accepted = await caseWithMerchant(shop, product.id);
    const view = await respond(shop, accepted.caseId, { action: 'accept', message: '同意退款' });
    expect(view.refunds.map((r: { fault: string }) => r.fault)).toEqual(['merchant']);

    const manual = await t.api.makeProduct(shop, { type: 'manual', price: 2_000 });
    const manualBuyer = await t.api.user('buyer');
    const manualOrder = await t.api.buyAndPay(manualBuyer, manual.id);
    await t.api.advance(61);
    const late = await fileCase(t.api, manualBuyer, manualOrder.id, { reason: 'not_delivered', description: '超过承诺的 1 小时仍未发货，商家已读未回' });
    expect(late.body.decision.ruleId).toBe('aftersales.manual-promised-time');
    expect(await faults(manualOrder, manualBuyer)).toEqual(['merchant']);

    const topup = await t.api.makeProduct(shop, { type: 'topup', price: 3_000 });
    const failed = await topupOrder(topup.id, 'failed');
    expect(await faults(failed.order, failed.buyer)).toEqual(['merchant']);
  });

  it('a buyer\'s own mistake accepted by the merchant is the buyer\'s fault; silence past the deadline and a lost arbitration are the merchant\'s', async () => {
    const shop = await t.api.makeShop();
    const product = await t.api.makeProduct(shop, { keys: 5 });

    const mistakeBuyer = await t.api.user('buyer');
    const mistakeOrder = await t.api.buyAndPay(mistakeBuyer, product.id);
    await t.api.ok('POST', `/api/orders/${mistakeOrder.id}/keys/reveal`, { token: mistakeBuyer.token });
    const mistake = await fileCase(t.api, mistakeBuyer, mistakeOrder.id, { reason: 'buyer_mistake', description: '重复下单了，两单买了同一张卡，想退掉这一单' });
    expect(mistake.body.status).toBe('awaiting_merchant');
    await respond(shop, mistake.body.id, { action: 'accept', message: '同意退款' });
    expect(await faults(mistakeOrder, mistakeBuyer)).toEqual(['buyer']);

    const silent = await caseWithMerchant(shop, product.id);
    const arbitrated = await caseWithMerchant(shop, product.id);
    await respond(shop, arbitrated.caseId, { action: 'contest', message: '该卡密出库时有效，请提供兑换失败截图' });
    await t.api.ok('POST', `/api/refund-cases/${arbitrated.caseId}/escalate`, { token: arbitrated.buyer.token });
    const staff = await t.api.user('staff');
    const decided = await t.api.ok('POST', `/api/refund-cases/${arbitrated.caseId}/decision`, {
      token: staff.token, body: { outcome: 'refund', ruleId: 'aftersales.judgement.merchant-no-evidence', reason: '商家未能提供卡密有效的证明，支持退款' },
    });
    expect(decided.refunds.map((r: { fault: string }) => r.fault)).toEqual(['merchant']);

    await t.api.advance(24 * 60 + 1);
    const silence = await t.api.ok('GET', `/api/refund-cases/${silent.caseId}`, { token: silent.buyer.token });
    expect(silence.decision.ruleId).toBe('aftersales.merchant-response');
    expect(silence.refunds.map((r: { fault: string }) => r.fault)).toEqual(['merchant']);
  });

  it('a refund for a payment that arrived after its order expired and its stock was sold is the platform\'s', async () => {
    const shop = await t.api.makeShop();
    const product = await t.api.makeProduct(shop, { keys: 1 });
    const late = await t.api.user('buyer');
    const created = await t.api.buy(late, product.id);
    await t.api.advance(16);
    await t.api.buyAndPay(await t.api.user('buyer'), product.id);
    await t.api.pay(created.payment.id);
    const order = await orderView(created.order, late);
    expect(order.status).toBe('refunded');
    expect(order.refunds.map((r: { fault: string }) => r.fault)).toEqual(['platform']);
  });

  it('a refund the platform ordered and an appeal reversed becomes the platform\'s', async () => {
    const shop = await t.api.makeShop();
    const product = await t.api.makeProduct(shop, { keys: 3 });
    const c = await caseWithMerchant(shop, product.id);
    await respond(shop, c.caseId, { action: 'contest', message: '该卡密出库时有效，请提供兑换失败截图' });
    await t.api.ok('POST', `/api/refund-cases/${c.caseId}/escalate`, { token: c.buyer.token });
    const [first, second] = [await t.api.user('staff'), await t.api.user('staff')];
    const admin = await t.api.user('admin');
    await t.api.ok('POST', '/api/admin/fund/topups', { token: admin.token, body: { amount: 10_000, memo: 'appeal reversal test' } });
    await t.api.ok('POST', `/api/refund-cases/${c.caseId}/decision`, {
      token: first.token, body: { outcome: 'refund', ruleId: 'aftersales.judgement.claim-proven', reason: '买家截图显示兑换失败，支持退款' },
    });
    expect(await faults(c.order, c.buyer)).toEqual(['merchant']);
    const evidence = await uploadEvidence(t.api, shop.merchant, tinyPng, 'problem');
    await t.api.ok('POST', `/api/refund-cases/${c.caseId}/appeal`, { token: shop.merchant.token, body: { reason: '上游查询显示该卡在出库前未被使用', evidenceIds: [evidence.body.id] } });
    const reversed = await t.api.ok('POST', `/api/refund-cases/${c.caseId}/decision`, {
      token: second.token, body: { outcome: 'reject', ruleId: 'aftersales.judgement.claim-unproven', reason: '商家新证据显示卡密出库时有效，改判驳回' },
    });
    expect(reversed.status).toBe('rejected');
    expect(await faults(c.order, c.buyer)).toEqual(['platform']);
    const page = await shopPage(shop.shopId);
    expect(page.credit.facts).toMatchObject({ merchantFaultRefundedOrders: 0, casesLost: 0 });
  });

  it('withdrawing a case after a partial refund takes that refund off the merchant', async () => {
    const shop = await t.api.makeShop();
    const product = await t.api.makeProduct(shop, { keys: 3, price: 2_000 });
    const partial = await caseWithMerchant(shop, product.id);
    await respond(shop, partial.caseId, { action: 'partial', amount: 500, message: '部分补偿 5 元' });
    expect(await faults(partial.order, partial.buyer)).toEqual(['merchant']);
    await t.api.ok('POST', `/api/refund-cases/${partial.caseId}/withdraw`, { token: partial.buyer.token });
    expect(await faults(partial.order, partial.buyer)).toEqual(['buyer']);
  });
});

describe('refund rate counts the merchant\'s faults only', () => {
  it('of five paid orders, a 秒退, a withdrawn case and a clean order leave one merchant-fault refund: 20%', async () => {
    const shop = await t.api.makeShop();
    const product = await t.api.makeProduct(shop, { keys: 10 });
    const instantBuyer = await t.api.user('buyer');
    const instantOrder = await t.api.buyAndPay(instantBuyer, product.id);
    expect((await fileCase(t.api, instantBuyer, instantOrder.id, keyProblem)).body.status).toBe('auto_approved');

    const withdrawn = await caseWithMerchant(shop, product.id);
    await respond(shop, withdrawn.caseId, { action: 'partial', amount: 300, message: '部分补偿 3 元' });
    await t.api.ok('POST', `/api/refund-cases/${withdrawn.caseId}/withdraw`, { token: withdrawn.buyer.token });

    const accepted = await caseWithMerchant(shop, product.id);
    await respond(shop, accepted.caseId, { action: 'accept', message: '同意退款' });

    await t.api.buyAndPay(await t.api.user('buyer'), product.id);
    await caseWithMerchant(shop, product.id); // still open: nothing refunded yet

    const page = await shopPage(shop.shopId);
    expect(page.credit.facts).toMatchObject({ paidOrders: 5, merchantFaultRefundedOrders: 1 });
    expect(page.merchant.refundRate).toBe(0.2);
    const listed = await t.api.ok('GET', `/api/products/${product.id}`);
    expect(listed.merchant.refundRate).toBe(0.2);
  });
});

describe('credit score', () => {
  it('combines refund rate, cases lost, median response time, rating and off-platform attempts with the rule weights', async () => {
    const shop = await t.api.makeShop();
    const product = await t.api.makeProduct(shop, { keys: 5 });
    const fresh = await shopPage(shop.shopId);
    expect(fresh.merchant).toMatchObject({ creditScore: 100, refundRate: 0, rating: null, ratingCount: 0, verified: false });

    // A case the merchant answers after 30 minutes and then loses in arbitration.
    const lost = await caseWithMerchant(shop, product.id);
    await t.api.advance(30);
    await respond(shop, lost.caseId, { action: 'contest', message: '该卡密出库时有效，请提供兑换失败截图' });
    await t.api.ok('POST', `/api/refund-cases/${lost.caseId}/escalate`, { token: lost.buyer.token });
    const staff = await t.api.user('staff');
    await t.api.ok('POST', `/api/refund-cases/${lost.caseId}/decision`, {
      token: staff.token, body: { outcome: 'refund', ruleId: 'aftersales.judgement.claim-proven', reason: '买家截图显示兑换失败，支持退款' },
    });
    // A completed order rated 3 stars, on which the merchant asks for a private transfer.
    const rater = await t.api.user('buyer');
    const rated = await t.api.buyAndPay(rater, product.id);
    const lure = await t.api.ok('POST', `/api/orders/${rated.id}/messages`, { token: shop.merchant.token, body: { body: '加我微信 kameng_888，私下转账便宜 5 块' } });
    expect(lure.message.flags).toEqual(['off_platform_payment']);
    await t.api.ok('POST', `/api/orders/${rated.id}/confirm`, { token: rater.token });
    await t.api.ok('POST', `/api/orders/${rated.id}/review`, { token: rater.token, body: { rating: 3, comment: '发货快，但商家让私下转账' } });

    const page = await shopPage(shop.shopId);
    const byId = Object.fromEntries(page.credit.components.map((c: { id: string }) => [c.id, c]));
    expect(byId.refund_rate).toMatchObject({ value: 0.5, weight: 35, score: 0 });
    expect(byId.cases_lost).toMatchObject({ value: 1, weight: 20, score: 0.8 });
    expect(byId.response_time).toMatchObject({ value: 30, weight: 15, score: 1 });
    expect(byId.rating).toMatchObject({ value: 3, weight: 20, score: 0.5 });
    expect(byId.off_platform).toMatchObject({ value: 1, weight: 10, score: 0.667 });
    // 35·0 + 20·0.8 + 15·1 + 20·0.5 + 10·(2/3) = 47.67 of 100
    expect(page.merchant).toMatchObject({ creditScore: 48, refundRate: 0.5, rating: 3, ratingCount: 1 });
    expect((await t.api.ok('GET', `/api/products/${product.id}`)).merchant).toMatchObject({ creditScore: 48, rating: 3, ratingCount: 1 });
  });

  it('a merchant silent past its deadline scores the whole deadline as its response time and a lost case', async () => {
    const shop = await t.api.makeShop();
    const product = await t.api.makeProduct(shop, { keys: 3 });
    await caseWithMerchant(shop, product.id);
    await t.api.advance(24 * 60 + 1);
    const page = await shopPage(shop.shopId);
    const byId = Object.fromEntries(page.credit.components.map((c: { id: string }) => [c.id, c]));
    expect(byId.response_time).toMatchObject({ value: 1440, score: 0 });
    expect(byId.cases_lost).toMatchObject({ value: 1 });
  });
});

describe('median response time from the kept histogram (migration 027)', () => {
  /** The median the histogram read gives, and percentile_cont over the cases themselves (the definition), per shop. */
  async function bothMedians(shopIds: string[]) {
    const db = t.kameng.ctx.db;
    const now = t.kameng.ctx.clock.now();
    const since = trustWindowStart(now);
    const kept = await sql<{ shop_id: string; minutes: number }>`select * from ${medianResponseMinutes(since, now, shopIds)} m`.execute(db);
    const direct = await sql<{ shop_id: string; minutes: number }>`
      select shop_id, percentile_cont(0.5) within group (order by extract(epoch from (coalesce(merchant_responded_at, merchant_by) - created_at)) / 60)::float8 as minutes
      from refund_cases where shop_id in (${sql.join(shopIds)}) and created_at >= ${since} and merchant_by is not null
        and (merchant_responded_at is not null or (merchant_by <= ${now} and status <> 'withdrawn'))
      group by shop_id`.execute(db);
    const asMap = (rows: { shop_id: string; minutes: number }[]) => Object.fromEntries(shopIds.map((id) => [id, rows.find((r) => r.shop_id === id)?.minutes ?? null]));
    return { kept: asMap(kept.rows), direct: asMap(direct.rows) };
  }

  it('equals percentile_cont over the cases through answers, silence past the deadline, withdrawals, a refund, a moved deadline and the window sliding past', async () => {
    const shops = [await t.api.makeShop(), await t.api.makeShop()];
    const products = await Promise.all(shops.map((shop) => t.api.makeProduct(shop, { keys: 8 })));
    const ids = shops.map((s) => s.shopId);
    const same = async () => {
      const { kept, direct } = await bothMedians(ids);
      expect(kept).toEqual(direct);
      // What the shop page shows: whole minutes (the test clock also moves with real time between steps).
      return Object.fromEntries(Object.entries(kept).map(([id, m]) => [id, m === null ? null : Math.round(m)]));
    };
    expect(await same()).toEqual({ [ids[0]]: null, [ids[1]]: null });

    // Shop 0: answered after 30 and 95 minutes (one of them accepted: a merchant-fault refund), one silent past its deadline.
    const a = await caseWithMerchant(shops[0], products[0].id);
    const b = await caseWithMerchant(shops[0], products[0].id);
    const silent = await caseWithMerchant(shops[0], products[0].id);
    await t.api.advance(30);
    await respond(shops[0], a.caseId, { action: 'contest', message: '该卡密出库时有效，请提供兑换失败截图' });
    await t.api.advance(65);
    await respond(shops[0], b.caseId, { action: 'accept', message: '已核实，同意退款' });
    // Shop 1: one withdrawn unanswered (never counts), one answered then withdrawn (counts), one still within its deadline.
    const withdrawn = await caseWithMerchant(shops[1], products[1].id);
    await t.api.ok('POST', `/api/refund-cases/${withdrawn.caseId}/withdraw`, { token: withdrawn.buyer.token });
    const answered = await caseWithMerchant(shops[1], products[1].id);
    await t.api.advance(12);
    await respond(shops[1], answered.caseId, { action: 'contest', message: '请提供兑换失败的截图' });
    await t.api.ok('POST', `/api/refund-cases/${answered.caseId}/withdraw`, { token: answered.buyer.token });
    const waiting = await caseWithMerchant(shops[1], products[1].id);
    // Before any deadline: 30 and 95 → 62.5 (shown as 63); shop 1 has only its answered case.
    expect(await same()).toEqual({ [ids[0]]: 63, [ids[1]]: 12 });

    // Past the deadlines: the silent case and the waiting one count as the whole deadline (24 h).
    await t.api.advance(24 * 60 + 1);
    expect(await same()).toEqual({ [ids[0]]: 95, [ids[1]]: 726 });
    expect((await shopPage(shops[0].shopId)).credit.components.find((c: { id: string }) => c.id === 'response_time').value).toBe(95);

    // A deadline moved by hand (an operator's correction) moves the case in the histogram too.
    const db = t.kameng.ctx.db;
    const waitingCase = await db.selectFrom('refund_cases').select(['created_at']).where('id', '=', waiting.caseId).executeTakeFirstOrThrow();
    await db.updateTable('refund_cases').set({ merchant_by: new Date(waitingCase.created_at.getTime() + 100 * 60_000) }).where('id', '=', waiting.caseId).execute();
    expect(await same()).toEqual({ [ids[0]]: 95, [ids[1]]: 56 });
    void silent;

    // The window slides: 30 days on, the first cases leave it, whatever day boundary the instant falls on.
    for (const step of [29 * 24 * 60 - 200, 150, 60, 24 * 60]) {
      await t.api.advance(step);
      await same();
    }
    expect(await same()).toEqual({ [ids[0]]: null, [ids[1]]: null });
  });
});

describe('demotion', () => {
  it('a merchant over 10% merchant-fault refunds with at least 10 orders ranks after everyone else, across pages', async () => {
    const tag = `rank-${randomUUID().slice(0, 8)}`;
    const good = await t.api.makeShop();
    const bad = await t.api.makeShop();
    for (let i = 0; i < 3; i++) await t.api.makeProduct(good, { title: `${tag} good ${i}`, type: 'topup' });
    const topup = await t.api.makeProduct(bad, { title: `${tag} bad topup`, type: 'topup' });
    await t.api.makeProduct(bad, { title: `${tag} bad later`, type: 'topup' });

    const listAll = async () => {
      const titles: string[] = [];
      for (let offset = 0; ; offset += 2) {
        const page = await t.api.ok('GET', `/api/products?q=${tag}&limit=2&offset=${offset}`);
        expect(page.total).toBe(5);
        titles.push(...page.items.map((p: { title: string }) => p.title));
        if (page.items.length < 2) break;
      }
      return titles;
    };
    // Newest first while nobody is demoted: the bad shop's products come first.
    expect((await listAll()).slice(0, 2)).toEqual([`${tag} bad later`, `${tag} bad topup`]);

    // 2 failed top-ups of 9 (22%) is over the rate but under the 10 orders the rule needs.
    for (let i = 0; i < 9; i++) await topupOrder(topup.id, i < 2 ? 'failed' : 'success');
    expect((await shopPage(bad.shopId)).merchant).toMatchObject({ demoted: false });
    expect((await listAll()).slice(0, 2)).toEqual([`${tag} bad later`, `${tag} bad topup`]);

    await topupOrder(topup.id, 'success');
    expect((await shopPage(bad.shopId)).merchant).toMatchObject({ demoted: true, refundRate: 0.2 });
    const ranked = await listAll();
    expect(ranked).toHaveLength(5);
    expect(ranked.slice(0, 3).every((title) => title.includes(' good '))).toBe(true);
    expect(ranked.slice(3)).toEqual([`${tag} bad later`, `${tag} bad topup`]);
  });
});
