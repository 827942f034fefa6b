import { describe, expect, it } from 'vitest';
import { demoAccounts, demoPassword } from '../../src/seed/demo';
import { buyWithSandboxPayment, screenshots, signIn, useBrowserApp } from './browser-harness';

const steamTitle = 'Steam 钱包充值卡 ¥50';
const shopName = '星辰点卡专营店';
const comment = '秒发货，卡密可以正常兑换，好评';

describe('reviewing an order and seeing it on the shop page', () => {
  const app = useBrowserApp();

  it('a buyer confirms receipt, writes a review, and finds it with the rating on the shop page', async () => {
    const page = await app.newPage({ width: 375, height: 812 });
    const shot = screenshots(page, 'review-shop');
    await page.goto(app.baseUrl + '/');
    await signIn(page, demoAccounts.buyer, demoPassword);

    await page.getByRole('link', { name: steamTitle, exact: true }).click();
    const merchantLine = page.locator('.product-main .merchant-line');
    await merchantLine.getByText('暂无评分').waitFor(); // credit and rating are shown before buying
    await merchantLine.getByText('信用 100').waitFor();
    await shot('product-before');
    await buyWithSandboxPayment(page);

    await page.getByRole('button', { name: '确认收货' }).click();
    await page.getByRole('dialog', { name: '确认收货？' }).getByRole('button', { name: '确认收货' }).click();
    const form = page.getByRole('region', { name: '评价本单' });
    await form.getByLabel('评分').selectOption('4');
    await form.getByLabel('评价内容（选填）').fill(comment);
    await shot('review-form');
    await form.getByRole('button', { name: '提交评价' }).click();
    await page.getByText('感谢评价！评价已显示在店铺页。').waitFor();
    await page.getByText('您的评价：4 星').waitFor();
    await shot('reviewed');

    await form.getByRole('link', { name: '进入店铺' }).click();
    await page.waitForURL(/\/shops\/[0-9a-f-]{36}$/);
    await page.getByRole('heading', { name: shopName }).waitFor();
    const reviews = page.getByRole('region', { name: '买家评价' });
    await reviews.getByText(comment).waitFor();
    await expect(reviews.getByLabel('4 星').count()).resolves.toBe(1);
    expect((await page.getByTestId('shop-rating').textContent())?.trim()).toBe('4.0 / 5（1 条评价）');
    await page.getByRole('link', { name: steamTitle, exact: true }).waitFor(); // the shop's products
    await page.getByText('信用分如何计算').click();
    await page.getByText('买家评分').first().waitFor();
    await shot('shop-page');
    const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(scrollWidth).toBeLessThanOrEqual(375);

    await page.getByRole('link', { name: steamTitle, exact: true }).click();
    await page.locator('.product-main .merchant-line').getByText('评分 4.0（1 条）').waitFor();
    await page.context().close();
  });
});

describe('shop identity in the browser', () => {
  const app = useBrowserApp();

  it('the merchant submits the shop identity, an admin approves it, and the shop page shows it verified', async () => {
    const merchant = await app.newPage();
    const shotMerchant = screenshots(merchant, 'identity-merchant');
    await merchant.goto(app.baseUrl + '/');
    await signIn(merchant, demoAccounts.merchant, demoPassword);
    await merchant.goto(app.baseUrl + '/merchant');
    // The console opens on the dashboard; the shop's panels are under 店铺概览.
    await merchant.getByRole('link', { name: '店铺概览', exact: true }).click();
    const panel = merchant.getByRole('region', { name: '主体认证' });
    await panel.getByLabel('主体类型').selectOption('business_licence');
    await panel.getByLabel('姓名或企业名称').fill('星辰点卡网络科技有限公司');
    await panel.getByLabel('证件号码').fill('91310000MA1FL1234X');
    await panel.getByLabel('联系电话').fill('13800138000');
    await panel.getByRole('button', { name: '提交审核' }).click();
    await panel.getByText('审核中').waitFor();
    await panel.getByText('913***********234X', { exact: false }).waitFor(); // only the masked number comes back
    await shotMerchant('submitted');

    const admin = await app.newPage();
    const shotAdmin = screenshots(admin, 'identity-admin');
    await admin.goto(app.baseUrl + '/');
    await signIn(admin, demoAccounts.admin, demoPassword);
    await admin.getByRole('link', { name: '认证审核' }).click();
    const item = admin.getByRole('listitem').filter({ hasText: shopName });
    await item.getByText('91310000MA1FL1234X').waitFor();
    await shotAdmin('queue');
    await item.getByRole('button', { name: '通过' }).click();
    await admin.getByText('没有待审核的主体认证。').waitFor();

    await merchant.reload();
    await merchant.getByRole('region', { name: '主体认证' }).getByText('店铺主体已认证', { exact: false }).waitFor();
    await merchant.getByRole('link', { name: '进入店铺' }).click();
    await merchant.getByText('主体已认证').waitFor();
    await shotMerchant('shop-verified');
    for (const page of [merchant, admin]) await page.context().close();
  });
});
