import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { demoAccounts, demoPassword } from '../../src/seed/demo';
import { Api } from '../support/api';
import { auditPage, screenshots, signIn, useBrowserApp } from './browser-harness';

const shopName = '星辰点卡专营店';
const yuan = (fen: number) => `¥${(fen / 100).toLocaleString('en-US', { minimumFractionDigits: 2 })}`;
const steamCard = 'Steam 钱包充值卡 ¥50';

describe('the admin console: shops', () => {
  const app = useBrowserApp();
  const noHorizontalScroll = async (page: Page) => expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
  const shopStatus = async () => (await app.kameng.ctx.db.selectFrom('shops').select('status').where('name', '=', shopName).executeTakeFirstOrThrow()).status;
  /** The storefront as an anonymous visitor sees it: whether the demo shop's Steam card is on sale. */
  const onSale = async (page: Page) => {
    await page.goto(app.baseUrl);
    await page.getByRole('heading', { level: 1 }).first().waitFor();
    // The catalogue has rendered: its count line, or its empty state (counting before that found 0 now and then).
    await page.getByText(/^共 \d+ 件商品$/).or(page.getByText('还没有上架的商品。', { exact: false })).first().waitFor();
    return page.getByText(steamCard).count();
  };

  it('an admin finds a shop, suspends it with a reason (its products leave the storefront), then reinstates it', async () => {
    const page = await app.newPage();
    const visitor = await app.newPage();
    const shot = screenshots(page, 'admin-shops');
    expect(await onSale(visitor)).toBeGreaterThan(0);

    await page.goto(app.baseUrl);
    await signIn(page, demoAccounts.admin, demoPassword);
    await page.waitForURL(`${app.baseUrl}/admin`);
    await page.getByRole('navigation', { name: '管理后台分区' }).getByRole('link', { name: '店铺' }).click();
    await page.getByRole('heading', { level: 2, name: '店铺' }).waitFor();
    await page.getByLabel('店铺名或店主邮箱').fill(demoAccounts.merchant);
    await page.getByRole('button', { name: '搜索店铺' }).click();
    await page.waitForURL(/\/admin\/shops\?q=/);
    await page.getByText('共 1 家店铺').waitFor();
    const row = page.getByRole('row').filter({ hasText: shopName });
    // The demo shop paid a ¥500 deposit and has no cases: the row says so.
    await row.getByText('¥500.00').waitFor();
    await row.getByText('营业中').waitFor();
    await row.getByText('未提交').waitFor();
    await shot('list');
    expect(await auditPage(page)).toEqual([]);

    await row.getByRole('link', { name: shopName }).click();
    await page.getByRole('heading', { level: 2, name: shopName }).waitFor();
    await page.getByRole('heading', { name: '保证金流水' }).waitFor();
    await page.getByText('缴纳保证金').waitFor();
    await page.getByText('没有暂停记录。').waitFor();
    await shot('detail');
    expect(await auditPage(page)).toEqual([]);

    // A reason is required; the owner sees it.
    await page.getByRole('button', { name: '暂停店铺' }).click();
    await page.getByText('请填写原因。').waitFor();
    await page.getByLabel('暂停原因（店主可见）').fill('多名买家反映卡密已被使用，调查期间暂停');
    await page.getByRole('button', { name: '暂停店铺' }).click();
    await page.getByText('店铺已暂停。').waitFor();
    await page.getByText('店铺已暂停：商品已下架，不能提现。 原因：多名买家反映卡密已被使用，调查期间暂停').waitFor();
    await page.locator('.admin-history').getByText('多名买家反映卡密已被使用，调查期间暂停').waitFor();
    expect(await shopStatus()).toBe('suspended');
    await shot('suspended');
    expect(await auditPage(page)).toEqual([]);
    expect(await onSale(visitor)).toBe(0);
    await visitor.getByText('还没有上架的商品').waitFor();

    // Back to the list (the search is kept in the address): the row shows the suspension.
    await page.getByRole('link', { name: '← 全部店铺' }).click();
    await page.getByRole('row').filter({ hasText: shopName }).getByText('已暂停').waitFor();
    await page.goBack();
    await page.getByRole('heading', { level: 2, name: shopName }).waitFor();

    await page.getByLabel('恢复说明（店主可见）').fill('商家已补发并提供上游凭证');
    await page.getByRole('button', { name: '恢复店铺' }).click();
    await page.getByText('店铺已恢复。').waitFor();
    await page.locator('.admin-history li').nth(1).waitFor();
    await expect(page.locator('.admin-history li').allInnerTexts()).resolves.toEqual([
      expect.stringContaining('商家已补发并提供上游凭证'), expect.stringContaining('多名买家反映卡密已被使用'),
    ]);
    expect(await shopStatus()).toBe('active');
    await shot('reinstated');
    expect(await onSale(visitor)).toBeGreaterThan(0);

    const owner = await app.kameng.ctx.db.selectFrom('notifications').innerJoin('users', 'users.id', 'notifications.user_id')
      .select(['notifications.kind', 'notifications.params']).where('users.email', '=', demoAccounts.merchant).where('notifications.kind', 'like', 'shop_%').orderBy('notifications.created_at').execute();
    expect(owner.map((n) => n.kind)).toEqual(['shop_suspended', 'shop_reinstated']);
    expect((owner[0].params as { reason: string }).reason).toContain('多名买家反映卡密已被使用');
  });

  it('fits a 375 px phone: the table stacks as cards, the shop page and the fund page scroll only down', async () => {
    const page = await app.newPage({ width: 375, height: 812 });
    const shot = screenshots(page, 'admin-shops-375');
    await page.goto(`${app.baseUrl}/login`);
    await page.getByLabel('邮箱').fill(demoAccounts.admin);
    await page.getByLabel('密码').fill(demoPassword);
    await page.getByRole('button', { name: '登录', exact: true }).click();
    await page.waitForURL(`${app.baseUrl}/admin`);
    await page.getByRole('navigation', { name: '管理后台分区' }).getByRole('link', { name: '店铺' }).click();
    const row = page.getByRole('row').filter({ hasText: shopName });
    await row.waitFor();
    expect(await row.evaluate((tr) => getComputedStyle(tr).display)).toBe('block');
    await noHorizontalScroll(page);
    await shot('list');
    expect(await auditPage(page)).toEqual([]);

    await row.getByRole('link', { name: shopName }).click();
    await page.getByRole('heading', { level: 2, name: shopName }).waitFor();
    await page.getByRole('heading', { name: '保证金流水' }).waitFor();
    await noHorizontalScroll(page);
    await shot('detail');
    expect(await auditPage(page)).toEqual([]);

    await page.getByRole('navigation', { name: '管理后台分区' }).getByRole('link', { name: '先行赔付基金' }).click();
    await page.getByRole('heading', { name: '等待基金的退款' }).waitFor();
    await page.getByText('没有等待基金的退款。').waitFor();
    await noHorizontalScroll(page);
    await shot('fund');
    expect(await auditPage(page)).toEqual([]);

    await page.getByRole('button', { name: 'Switch to English' }).click();
    await page.getByRole('navigation', { name: 'Admin console sections' }).getByRole('link', { name: 'Shops' }).click();
    await page.getByRole('heading', { level: 2, name: 'Shops' }).waitFor();
    await page.getByRole('row').filter({ hasText: shopName }).getByText('Open', { exact: true }).waitFor();
    await noHorizontalScroll(page);
    await shot('list-en');
  });

  it('the fund page sets a refund waiting for the fund beside the balance, with the shortfall, and a top-up clears it', async () => {
    // A ¥20,000 sale settled and withdrawn, then refunded by staff: escrow, balance, deposit and the ¥10,000 fund cannot pay it.
    const api = new Api(app.kameng.server);
    const shop = await api.makeShop(10_000);
    const product = await api.makeProduct(shop, { keys: 1, price: 2_000_000 });
    const buyer = await api.user('buyer');
    const order = await api.buyAndPay(buyer, product.id);
    await api.ok('POST', `/api/orders/${order.id}/keys/reveal`, { token: buyer.token });
    await api.ok('POST', `/api/orders/${order.id}/confirm`, { token: buyer.token });
    await api.ok('POST', `/api/shops/${shop.shopId}/withdrawals`, { token: shop.merchant.token, body: { amount: (await api.balance(shop)).available } });
    const admin = await api.ok('POST', '/api/auth/login', { body: { email: demoAccounts.admin, password: demoPassword } });
    await api.ok('POST', `/api/admin/shops/${shop.shopId}/suspension`, { token: admin.token, body: { suspended: true, reason: '店主失联' } });
    const filed = await api.ok('POST', `/api/orders/${order.id}/refund-cases`, {
      token: buyer.token, headers: { 'idempotency-key': crypto.randomUUID() },
      body: { reason: 'key_invalid', description: '兑换时提示该卡已被使用，已截图', expectedOutcome: 'full_refund' },
    });
    const staff = await api.ok('POST', '/api/auth/login', { body: { email: demoAccounts.staff, password: demoPassword } });
    const decided = await api.ok('POST', `/api/refund-cases/${filed.id}/decision`, {
      token: staff.token, body: { outcome: 'refund', ruleId: 'aftersales.judgement.merchant-no-evidence', reason: '商家失联，无法证明卡密有效，支持退款' },
    });
    expect(decided.refunds[0]).toMatchObject({ amount: 2_000_000, waitingForFunds: true });
    const fund = Number((await app.kameng.ctx.db.selectFrom('ledger_accounts').select('balance').where('id', '=', 'platform:compensation_fund').executeTakeFirstOrThrow()).balance);
    const deposit = (await api.balance(shop)).deposit;
    expect(2_000_000 - fund - deposit).toBeGreaterThan(0);

    const page = await app.newPage();
    const shot = screenshots(page, 'admin-fund-waiting');
    await page.goto(`${app.baseUrl}/login`);
    await page.getByLabel('邮箱').fill(demoAccounts.admin);
    await page.getByLabel('密码').fill(demoPassword);
    await page.getByRole('button', { name: '登录', exact: true }).click();
    await page.waitForURL(`${app.baseUrl}/admin`);
    await page.getByRole('navigation', { name: '管理后台分区' }).getByRole('link', { name: '先行赔付基金' }).click();
    const waiting = page.getByRole('region', { name: '等待基金的退款' });
    await waiting.getByText('1 笔退款共 ¥20,000.00 在等待基金').waitFor();
    await waiting.getByText(`等待的退款比基金余额多 ${yuan(2_000_000 - fund)}`, { exact: false }).waitFor();
    await waiting.getByRole('link', { name: `订单 ${order.orderNo}` }).waitFor();
    await waiting.getByText('模拟支付 · 卡密无效或已被使用').waitFor();
    await shot('waiting');
    expect(await auditPage(page)).toEqual([]);

    // The shop link opens the admin's shop page, with the suspension and its reason.
    await waiting.getByRole('link', { name: /^店铺：/ }).click();
    await page.getByText('店铺已暂停：商品已下架，不能提现。 原因：店主失联').waitFor();
    await page.goBack();

    await page.getByLabel('金额（元）').fill(String((2_000_000 - fund) / 100));
    await page.getByRole('button', { name: '注资', exact: true }).click();
    await page.getByText('注资成功').waitFor();
    await api.advance(0);
    await page.reload();
    await page.getByText('没有等待基金的退款。').waitFor();
    await shot('cleared');
    expect((await api.ok('GET', `/api/orders/${order.id}`, { token: buyer.token })).status).toBe('refunded');

    // The deposit paid its part of the refund: the shop page lists it among the deposit movements.
    await page.goto(`${app.baseUrl}/admin/shops/${shop.shopId}`);
    await page.getByRole('heading', { name: '保证金流水' }).waitFor();
    await page.getByText('退款扣划').waitFor();
    expect(deposit).toBe(10_000);
  });
});
