import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { demoAccounts, demoPassword } from '../../src/seed/demo';
import { auditPage, checkScreen, screenshots, signIn, useBrowserApp } from './browser-harness';

describe('merchant dashboard and coupons, a buyer paying the discounted price', () => {
  const app = useBrowserApp();
  const noHorizontalScroll = async (page: Page) => expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);

  it('the merchant lands on the dashboard and creates a coupon; the buyer sees the discounted total, pays it and finds the order under its tab', async () => {
    const merchant = await app.newPage();
    const shot = screenshots(merchant, 'merchant-coupons');
    await merchant.goto(app.baseUrl);
    await signIn(merchant, demoAccounts.merchant, demoPassword);
    await merchant.goto(`${app.baseUrl}/merchant`);
    await merchant.getByRole('link', { name: '经营看板' }).waitFor();
    await merchant.getByText('每日实收成交额（元）').waitFor();
    await merchant.locator('.admin-chart svg').first().waitFor();
    await merchant.getByRole('heading', { name: '库存预警' }).waitFor();
    await checkScreen(merchant, shot, 'dashboard');

    await merchant.getByRole('navigation', { name: '店铺功能' }).getByRole('link', { name: '优惠券' }).click();
    await merchant.getByLabel('优惠码').fill('bad code');
    await merchant.getByRole('button', { name: '创建优惠券' }).click();
    await merchant.getByText('请输入 3–32 位字母、数字、下划线或短横线。').waitFor();
    await merchant.getByLabel('优惠码').fill('WELCOME5');
    await merchant.getByLabel('立减金额（元）').fill('5');
    await merchant.getByLabel('可使用次数（选填）').fill('10');
    await merchant.getByRole('button', { name: '创建优惠券' }).click();
    await merchant.getByText('优惠券 WELCOME5 已创建。').waitFor();
    await merchant.getByText('已使用 0 / 10 次').waitFor();
    await checkScreen(merchant, shot, 'coupon-created');

    const product = await app.kameng.ctx.db.selectFrom('products').select(['id', 'price']).where('title', 'like', 'Steam%').executeTakeFirstOrThrow();
    const buyer = await app.newPage();
    const buyerShot = screenshots(buyer, 'buyer-coupon');
    await buyer.goto(app.baseUrl);
    await signIn(buyer, demoAccounts.buyer, demoPassword);
    await buyer.goto(`${app.baseUrl}/products/${product.id}`);
    await buyer.getByLabel('优惠码（选填）').fill('nosuch');
    await buyer.getByText(/优惠码未能使用：优惠码无效/).waitFor();
    await buyer.getByLabel('优惠码（选填）').fill('welcome5');
    await buyer.getByText('优惠券 WELCOME5 −¥5.00').waitFor();
    await buyer.locator('.total strong').getByText('¥45.00').waitFor();
    await checkScreen(buyer, buyerShot, 'discounted-total');
    await buyer.getByRole('radio', { name: /模拟支付/ }).check();
    await buyer.getByRole('button', { name: /立即购买/ }).click();
    await buyer.getByText('¥45.00').first().waitFor();
    await buyer.getByRole('button', { name: '模拟支付成功' }).click();
    await buyer.waitForURL(/\/orders\/[0-9a-f-]{36}$/);
    const orderId = new URL(buyer.url()).pathname.split('/').pop()!;
    await buyer.getByText('商品原价').waitFor();
    await buyer.getByText('优惠券 WELCOME5').waitFor();
    await checkScreen(buyer, buyerShot, 'paid-with-coupon');
    const order = await app.kameng.ctx.db.selectFrom('orders').select(['paid', 'discount', 'amount']).where('id', '=', orderId).executeTakeFirstOrThrow();
    expect(order).toEqual({ paid: product.price - 500, discount: 500, amount: product.price - 500 });

    await buyer.goto(`${app.baseUrl}/orders`);
    const tabs = buyer.getByRole('navigation', { name: '订单分类' });
    await tabs.getByRole('link', { name: /待确认/ }).click();
    await buyer.waitForURL(/status=delivered/);
    await buyer.locator(`a[href="/orders/${orderId}"]`).waitFor();
    await tabs.getByRole('link', { name: /待付款/ }).click();
    await buyer.locator(`a[href="/orders/${orderId}"]`).waitFor({ state: 'detached' });
    await checkScreen(buyer, buyerShot, 'order-tabs');

    // 秒退 of the unrevealed key: the refund is what was paid, and the step bar ends at 已退款, not 已完成.
    const login = await app.kameng.server.inject({ method: 'POST', url: '/api/auth/login', payload: { email: demoAccounts.buyer, password: demoPassword } });
    const filed = await app.kameng.server.inject({
      method: 'POST', url: `/api/orders/${orderId}/refund-cases`, headers: { authorization: `Bearer ${login.json().token}`, 'idempotency-key': `browser-${orderId}` },
      payload: { reason: 'buyer_mistake', description: '买错了面额，卡密没有查看过，申请退款', expectedOutcome: 'full_refund' },
    });
    expect(filed.json().status).toBe('auto_approved');
    expect(filed.json().refunds[0].amount).toBe(product.price - 500);
    await buyer.goto(`${app.baseUrl}/orders/${orderId}`);
    const steps = buyer.getByRole('list', { name: '订单进度' });
    await steps.getByText('已退款').waitFor();
    expect(await steps.getByText('已完成').count()).toBe(0);
    await buyerShot('refunded-steps');
    await buyer.goto(`${app.baseUrl}/orders?status=aftersales`);
    await buyer.locator(`a[href="/orders/${orderId}"]`).waitFor();

    // The coupon's use shows on the merchant's list.
    await merchant.reload();
    await merchant.getByText('已使用 1 / 10 次').waitFor();
  });

  it('fits a 375 px phone: dashboard, coupons, checkout and order tabs; buyers never download the dashboard chunk', async () => {
    const buyer = await app.newPage({ width: 375, height: 812 });
    const scripts: string[] = [];
    buyer.on('request', (request) => { if (request.resourceType() === 'script') scripts.push(request.url()); });
    const shot = screenshots(buyer, 'merchant-coupons-375');
    await buyer.goto(app.baseUrl);
    await buyer.getByRole('heading', { level: 1 }).first().waitFor();
    await buyer.goto(`${app.baseUrl}/login`);
    await buyer.getByLabel('邮箱').fill(demoAccounts.buyer);
    await buyer.getByLabel('密码').fill(demoPassword);
    await buyer.getByRole('button', { name: '登录', exact: true }).click();
    await buyer.getByRole('banner').getByText('已登录').waitFor();
    await buyer.goto(`${app.baseUrl}/orders`);
    await buyer.getByRole('navigation', { name: '订单分类' }).waitFor();
    await noHorizontalScroll(buyer);
    await shot('order-tabs');
    expect(await auditPage(buyer)).toEqual([]);
    expect(scripts.some((url) => url.includes('MerchantDashboard'))).toBe(false);

    const merchant = await app.newPage({ width: 375, height: 812 });
    const merchantShot = screenshots(merchant, 'merchant-dashboard-375');
    await merchant.goto(`${app.baseUrl}/login`);
    await merchant.getByLabel('邮箱').fill(demoAccounts.merchant);
    await merchant.getByLabel('密码').fill(demoPassword);
    await merchant.getByRole('button', { name: '登录', exact: true }).click();
    await merchant.getByRole('banner').getByText('已登录').waitFor();
    await merchant.goto(`${app.baseUrl}/merchant`);
    await merchant.locator('.admin-chart svg').first().waitFor();
    await noHorizontalScroll(merchant);
    await merchantShot('dashboard');
    await merchant.getByRole('navigation', { name: '店铺功能' }).getByRole('link', { name: '优惠券' }).click();
    await merchant.getByRole('button', { name: '创建优惠券' }).waitFor();
    await noHorizontalScroll(merchant);
    await merchantShot('coupons');
    expect(await auditPage(merchant)).toEqual([]);
  });
});
