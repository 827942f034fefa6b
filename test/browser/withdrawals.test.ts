import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { accounts } from '../../src/ledger/accounts';
import { postEntry } from '../../src/ledger/journal';
import { demoAccounts, demoPassword } from '../../src/seed/demo';
import { auditPage, screenshots, signIn, useBrowserApp } from './browser-harness';

describe('merchant withdrawals and the admin channel list', () => {
  const app = useBrowserApp();
  const fits = async (page: Page, width: number) => expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);

  /** Settled money for the demo shop, booked as any settlement is: one balanced entry. */
  async function creditDemoShop(amount: number): Promise<void> {
    const { db } = app.kameng.ctx;
    const owner = await db.selectFrom('users').select('id').where('email', '=', demoAccounts.merchant).executeTakeFirstOrThrow();
    const shop = await db.selectFrom('shops').select('id').where('owner_id', '=', owner.id).orderBy('created_at').executeTakeFirstOrThrow();
    await db.transaction().execute((tx) => postEntry(tx, {
      kind: 'test_settlement', memo: 'browser test: money to withdraw', shopId: shop.id, at: app.kameng.ctx.clock.now(),
      postings: [{ account: accounts.clearing('platform_capital'), amount: -amount }, { account: accounts.merchantAvailable(shop.id), amount }],
    }));
  }

  it.each([[1280, 900], [375, 812]])('at %i px a merchant sets an Alipay payout account, withdraws and sees the payout paid in the history', async (width, height) => {
    await creditDemoShop(500);
    const page = await app.newPage({ width, height });
    const shot = screenshots(page, `withdrawals-${width}`);
    await page.goto(app.baseUrl);
    await signIn(page, demoAccounts.merchant, demoPassword);
    await page.goto(`${app.baseUrl}/merchant?tab=withdrawals`);
    await page.getByRole('heading', { name: '收款账户' }).waitFor();
    await page.getByLabel('收款方式').selectOption('alipay');
    await page.getByLabel('支付宝账号（邮箱或手机号）').fill(`shop${width}@example.com`);
    await page.getByLabel('收款人姓名').fill('李四');
    await page.getByRole('button', { name: '保存收款账户' }).click();
    await page.getByText('收款账户已保存。').waitFor();
    await page.getByText(`提现将打到：支付宝 sho***@example.com（李四）`).waitFor();
    await page.getByLabel('提现金额（元）').fill('1.00');
    await page.getByRole('button', { name: '提现', exact: true }).click();
    await page.getByText(/已提现 ¥1\.00/).waitFor();
    await page.getByRole('cell', { name: '已到账' }).first().waitFor();
    await shot('paid');
    await fits(page, width);
    expect(await auditPage(page)).toEqual([]);
  });

  it('the admin console lists each payment channel as sandbox', async () => {
    const page = await app.newPage();
    const shot = screenshots(page, 'admin-channels');
    await page.goto(app.baseUrl);
    await signIn(page, demoAccounts.admin, demoPassword);
    await page.goto(`${app.baseUrl}/admin/channels`);
    await page.getByRole('heading', { name: '支付渠道', level: 2 }).waitFor();
    const wechat = page.getByRole('row', { name: /微信支付/ });
    await wechat.getByText('沙箱').waitFor();
    await wechat.getByText('收款 · 退款 · 提现打款 · 投诉通知').waitFor();
    await expect(page.getByRole('row', { name: /易支付/ }).getByText('收款 · 退款').count()).resolves.toBe(1);
    await shot('list');
    expect(await auditPage(page)).toEqual([]);
  });
});
