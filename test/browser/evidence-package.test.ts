import { describe, expect, it } from 'vitest';
import { demoAccounts, demoPassword } from '../../src/seed/demo';
import { buyWithSandboxPayment, screenshots, signIn, useBrowserApp } from './browser-harness';

const steamTitle = 'Steam 钱包充值卡 ¥50';
const hostile = '兑换失败 <img src=x onerror="document.title=\'pwned\'"><script>document.title="pwned"</script>';

describe('evidence package (证据包) from the order page', () => {
  const app = useBrowserApp();

  it('the buyer and the merchant open the printable package: verified timeline, the chat shown as text, nothing run', async () => {
    const page = await app.newPage();
    const shot = screenshots(page, 'evidence-package');
    await page.goto(app.baseUrl + '/');
    await signIn(page, demoAccounts.buyer, demoPassword);
    await page.getByRole('link', { name: steamTitle, exact: true }).click();
    const orderId = await buyWithSandboxPayment(page);
    const chat = page.getByRole('region', { name: '站内沟通' });
    await chat.getByLabel('发送消息').fill(hostile);
    await chat.getByRole('button', { name: '发送' }).click();
    await chat.getByRole('list', { name: '站内沟通' }).getByRole('listitem').filter({ hasText: '兑换失败' }).waitFor();

    const section = page.getByRole('region', { name: '证据包' });
    await section.scrollIntoViewIfNeeded();
    await shot('order-page');
    const [popup] = await Promise.all([page.waitForEvent('popup'), section.getByRole('link', { name: '打开证据包（可打印）' }).click()]);
    await popup.waitForLoadState();
    await popup.getByRole('heading', { level: 1, name: /证据包/ }).waitFor();
    await popup.getByText('校验通过：事件未被篡改或删除').waitFor();
    await popup.getByText(hostile).waitFor(); // the message as text, markup and all
    expect(await popup.title()).not.toBe('pwned');
    expect(await popup.locator('script, img').count()).toBe(0);
    const hash = (await popup.locator('#package-hash').textContent())?.trim();
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    await screenshots(popup, 'evidence-package-page')('zh');
    await popup.close();

    // The merchant sees the same record from the order page.
    const merchant = await app.newPage();
    await merchant.goto(app.baseUrl + '/');
    await signIn(merchant, demoAccounts.merchant, demoPassword);
    await merchant.goto(`${app.baseUrl}/orders/${orderId}`);
    const [merchantPopup] = await Promise.all([
      merchant.waitForEvent('popup'),
      merchant.getByRole('region', { name: '证据包' }).getByRole('link', { name: '打开证据包（可打印）' }).click(),
    ]);
    await merchantPopup.getByText('校验通过：事件未被篡改或删除').waitFor();
    await merchantPopup.getByText(hostile).waitFor();
    for (const p of [page, merchant]) await p.context().close();
  });

  it('a guest, whose order token cannot ride on a link, opens the printable package from the order page', async () => {
    const products = (await app.kameng.server.inject({ method: 'GET', url: '/api/products' })).json() as { items: Array<{ id: string; title: string }> };
    const product = products.items.find((p) => p.title === steamTitle)!;
    const created = (await app.kameng.server.inject({
      method: 'POST', url: '/api/orders', headers: { 'idempotency-key': crypto.randomUUID() },
      payload: { productId: product.id, quantity: 1, channel: 'sandbox', guest: { contact: 'guest@example.com', queryPassword: 'guest-pass-1' } },
    })).json() as { order: { id: string; orderNo: string }; payment: { id: string }; guestToken: string };
    await app.kameng.server.inject({ method: 'POST', url: `/api/sandbox/payments/${created.payment.id}/succeed` });
    const page = await app.newPage({ width: 375, height: 812 });
    await page.goto(app.baseUrl + '/');
    await page.evaluate(([id, token]) => sessionStorage.setItem('kameng.guestTokens', JSON.stringify({ [id]: token })), [created.order.id, created.guestToken]);
    await page.goto(`${app.baseUrl}/orders/${created.order.id}`);
    const section = page.getByRole('region', { name: '证据包' });
    const [popup] = await Promise.all([page.waitForEvent('popup'), section.getByRole('button', { name: '打开证据包（可打印）' }).click()]);
    await popup.getByRole('heading', { level: 1, name: new RegExp(created.order.orderNo) }).waitFor();
    await popup.getByText('校验通过：事件未被篡改或删除').waitFor();
    await page.context().close();
  });
});
