import { describe, expect, it } from 'vitest';
import { demoAccounts, demoPassword } from '../../src/seed/demo';
import { screenshots, signIn, useBrowserApp } from './browser-harness';

const steamTitle = 'Steam 钱包充值卡 ¥50';

describe('buying a card key in the browser', () => {
  const app = useBrowserApp();

  /** What the API itself hands the buyer for this order, to hold the page's key against. */
  async function revealThroughApi(orderId: string): Promise<string[]> {
    const login = await app.kameng.server.inject({ method: 'POST', url: '/api/auth/login', payload: { email: demoAccounts.buyer, password: demoPassword } });
    const { token } = login.json() as { token: string };
    const reveal = await app.kameng.server.inject({ method: 'POST', url: `/api/orders/${orderId}/keys/reveal`, headers: { authorization: `Bearer ${token}` }, payload: {} });
    expect(reveal.statusCode).toBe(200);
    return (reveal.json() as { keys: Array<{ code: string }> }).keys.map((key) => key.code);
  }

  it('a signed-in buyer pays with the sandbox, consents, and sees the key the API delivered', async () => {
    const page = await app.newPage();
    const shot = screenshots(page, 'buy-card-key');

    await page.goto(app.baseUrl + '/');
    await page.getByRole('link', { name: steamTitle, exact: true }).waitFor();
    await shot('storefront');
    await signIn(page, demoAccounts.buyer, demoPassword);
    await shot('signed-in');

    await page.getByRole('link', { name: steamTitle, exact: true }).click();
    await page.getByRole('heading', { name: '售后政策' }).waitFor();
    await page.getByRole('radio', { name: /模拟支付/ }).check();
    await shot('product');
    await page.getByRole('button', { name: /立即购买/ }).click();

    await page.waitForURL(/\/pay\/[0-9a-f-]{36}$/);
    const payButton = page.getByRole('button', { name: '模拟支付成功' });
    await payButton.waitFor();
    await shot('pay');
    await payButton.click();

    await page.waitForURL(/\/orders\/[0-9a-f-]{36}$/);
    const orderId = new URL(page.url()).pathname.split('/').pop()!;
    const revealButton = page.getByRole('button', { name: '查看卡密' });
    await revealButton.waitFor();
    expect(await page.locator('.key-code').count()).toBe(0); // hidden until the buyer consents
    await shot('order');

    await revealButton.click();
    const consent = page.getByRole('dialog', { name: '查看卡密前请确认' });
    await consent.getByText('查看后不支持无理由退款', { exact: false }).waitFor();
    await shot('consent');
    await consent.getByRole('button', { name: '我已知晓，查看卡密' }).click();

    const shownCode = page.getByRole('list', { name: '卡密' }).locator('code').first();
    await shownCode.waitFor();
    await page.getByRole('listitem').filter({ hasText: '买家查看卡密' }).waitFor(); // the reveal is on the timeline
    await shot('key-revealed');

    const codes = await revealThroughApi(orderId);
    expect(codes).toHaveLength(1);
    expect((await shownCode.textContent())?.trim()).toBe(codes[0]);
    await page.context().close();
  });

  it('the storefront fits a 375 px phone without horizontal scrolling', async () => {
    const page = await app.newPage({ width: 375, height: 812 });
    const shot = screenshots(page, 'storefront-375');
    await page.goto(app.baseUrl + '/');
    await page.getByRole('link', { name: steamTitle, exact: true }).waitFor();
    await page.getByText('售后政策', { exact: false }).first().waitFor();
    await shot('storefront');
    const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(scrollWidth).toBeLessThanOrEqual(375);
    await page.context().close();
  });
});
