import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { demoAccounts, demoPassword } from '../../src/seed/demo';
import { checkScreen, screenshots, signIn, useBrowserApp } from './browser-harness';

describe('the admin console', () => {
  const app = useBrowserApp();
  const noHorizontalScroll = async (page: Page) => expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);

  it('an admin lands on /admin, sees the overview, publishes a rule change through the diff and disables a user', async () => {
    const page = await app.newPage();
    const shot = screenshots(page, 'admin-console');
    await page.goto(app.baseUrl);
    await signIn(page, demoAccounts.admin, demoPassword);
    await page.waitForURL(`${app.baseUrl}/admin`);
    await page.getByRole('heading', { level: 1, name: '管理后台' }).waitFor();
    await page.getByText('成交额 (GMV)').first().waitFor();
    await page.getByText('每日成交额（元）').waitFor();
    await page.locator('.admin-chart svg').first().waitFor();
    // The seed paid the compensation fund ¥10,000: the overview shows it.
    await expect(page.locator('.admin-kpis').getByText('¥10,000.00').count()).resolves.toBe(1);
    await checkScreen(page, shot, 'overview');

    // Rules: one value changed, reviewed as a diff, published as the next version.
    const before = await app.kameng.ctx.rules.current();
    await page.getByRole('navigation', { name: '管理后台分区' }).getByRole('link', { name: '规则' }).click();
    await page.getByText(`当前生效版本：v${before.version}`).waitFor();
    await page.getByLabel('单笔订单最大数量').fill('1001');
    await page.getByText('超出范围 1–1000。').waitFor();
    await expect(page.getByRole('button', { name: /检查改动/ }).isDisabled()).resolves.toBe(true);
    await page.getByLabel('单笔订单最大数量').fill('25');
    await page.getByRole('button', { name: '检查改动（1 项）' }).click();
    const diff = page.getByRole('region', { name: `改动：v${before.version} → v${before.version + 1}` });
    await diff.waitFor();
    await expect(diff.locator('del').textContent()).resolves.toBe(`${before.values['order.quantity-max']} 次/个`);
    await expect(diff.locator('ins').textContent()).resolves.toBe('25 次/个');
    await checkScreen(page, shot, 'rules-diff');
    await page.getByLabel('发布说明').fill('节日大促：放宽单笔数量');
    await page.getByRole('button', { name: '发布新版本' }).click();
    await page.getByText(`已发布 v${before.version + 1}。`).waitFor();
    await page.getByText(`当前生效版本：v${before.version + 1}`).waitFor();
    const after = await app.kameng.ctx.rules.current();
    expect(after.version).toBe(before.version + 1);
    expect(after.values['order.quantity-max']).toBe(25);

    // Users: find the demo buyer, disable the account with a reason.
    await page.getByRole('navigation', { name: '管理后台分区' }).getByRole('link', { name: '用户' }).click();
    await page.getByLabel('邮箱或昵称').fill(demoAccounts.buyer);
    await page.getByRole('button', { name: '搜索', exact: true }).click();
    await page.getByText('共 1 个用户').waitFor();
    const row = page.locator('.admin-user').filter({ hasText: demoAccounts.buyer });
    await row.getByRole('button', { name: '停用账户' }).click();
    await row.getByText('请填写原因。').waitFor();
    await row.getByLabel('操作原因').fill('伪造售后证据');
    await row.getByRole('button', { name: '停用账户' }).click();
    await row.getByText('已停用', { exact: true }).waitFor();
    await row.getByText('停用原因: 伪造售后证据').waitFor();
    await checkScreen(page, shot, 'user-disabled');
    const buyer = await app.kameng.ctx.db.selectFrom('users').select(['status', 'status_reason']).where('email', '=', demoAccounts.buyer).executeTakeFirstOrThrow();
    expect(buyer).toEqual({ status: 'disabled', status_reason: '伪造售后证据' });
  });

  it('fits a 375 px phone in both languages; a buyer never downloads the console', async () => {
    const page = await app.newPage({ width: 375, height: 812 });
    const shot = screenshots(page, 'admin-console-375');
    const scripts: string[] = [];
    page.on('request', (request) => { if (request.resourceType() === 'script') scripts.push(request.url()); });
    await page.goto(app.baseUrl);
    await page.getByRole('heading', { level: 1 }).first().waitFor();
    await page.waitForLoadState('networkidle');
    expect(scripts.some((url) => url.includes('AdminConsole'))).toBe(false);

    await page.goto(`${app.baseUrl}/login`);
    await page.getByLabel('邮箱').fill(demoAccounts.admin);
    await page.getByLabel('密码').fill(demoPassword);
    await page.getByRole('button', { name: '登录', exact: true }).click();
    await page.waitForURL(`${app.baseUrl}/admin`);
    await page.locator('.admin-chart svg').first().waitFor();
    expect(scripts.some((url) => url.includes('AdminConsole'))).toBe(true);
    await noHorizontalScroll(page);
    await shot('overview');
    for (const [section, heading] of [['users', '用户'], ['rules', '规则'], ['fund', '先行赔付基金'], ['ledger', '账本核对']] as const) {
      await page.getByRole('navigation', { name: '管理后台分区' }).getByRole('link', { name: heading }).click();
      await page.getByRole('heading', { level: 2, name: heading }).waitFor();
      await page.waitForLoadState('networkidle');
      await noHorizontalScroll(page);
      await shot(section);
    }
    await page.getByRole('button', { name: '开始核对' }).click();
    await page.getByText('账本平衡，没有发现问题。').waitFor();

    await page.getByRole('button', { name: 'Switch to English' }).click();
    await page.getByRole('heading', { level: 1, name: 'Admin console' }).waitFor();
    await page.getByRole('navigation', { name: 'Admin console sections' }).getByRole('link', { name: 'Overview' }).click();
    await page.getByText('GMV per day (yuan)').waitFor();
    await noHorizontalScroll(page);
    await shot('overview-en');
  });
});
