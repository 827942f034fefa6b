import { describe, expect, it } from 'vitest';
import { demoAccounts, demoPassword } from '../../src/seed/demo';
import { auditPage, screenshots, signIn, useBrowserApp } from './browser-harness';

const manualTitle = '原神 代肝每日委托（7 天）';

describe('notifications in English', () => {
  const app = useBrowserApp();

  /** The demo buyer buys the manual product through the API, so the merchant has a paid order to hear about. */
  async function paidManualOrder(): Promise<string> {
    const api = (method: 'GET' | 'POST', url: string, body?: object, token?: string) => app.kameng.server.inject({
      method, url, payload: body, headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), 'idempotency-key': `browser-${Math.random()}` },
    }).then((res) => JSON.parse(res.body));
    const { token } = await api('POST', '/api/auth/login', { email: demoAccounts.buyer, password: demoPassword });
    const products = await api('GET', `/api/products?q=${encodeURIComponent('原神')}`);
    const product = (products.items as Array<{ id: string; title: string }>).find((p) => p.title === manualTitle)!;
    const created = await api('POST', '/api/orders', { productId: product.id, quantity: 1, channel: 'sandbox' }, token);
    await api('POST', `/api/sandbox/payments/${created.payment.id}/succeed`);
    return created.order.orderNo as string;
  }

  for (const viewport of [{ width: 375, height: 812 }, { width: 1280, height: 900 }]) {
    it(`at ${viewport.width} px the merchant reads a paid order in English, with the promised time in Beijing time and no raw time`, async () => {
      const orderNo = await paidManualOrder();
      const page = await app.newPage(viewport);
      const shot = screenshots(page, `notifications-en-${viewport.width}`);
      await page.goto(app.baseUrl + '/');
      await signIn(page, demoAccounts.merchant, demoPassword);
      await page.evaluate(() => localStorage.setItem('kameng.lang', 'en'));
      await page.goto(app.baseUrl + '/notifications');
      await page.getByRole('heading', { name: 'Notifications', level: 1 }).waitFor();
      const item = page.locator('.notification').filter({ hasText: `New paid order ${orderNo}` });
      await item.waitFor();
      const text = (await item.textContent()) ?? '';
      expect(text).toMatch(/Please deliver by \d{1,2} \w{3} \d{4}, \d{2}:\d{2} \(Beijing time\)/);
      expect(text).toContain('¥120.00');
      expect(text).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/);
      expect(text).not.toMatch(/新订单|请在|北京时间/);
      await shot('list');
      expect(await auditPage(page)).toEqual([]);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(viewport.width);
      await page.context().close();
    });
  }
});
