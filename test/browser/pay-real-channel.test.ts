import { describe, expect, it } from 'vitest';
import { demoAccounts, demoPassword } from '../../src/seed/demo';
import { screenshots, signIn, useBrowserApp } from './browser-harness';

const steamTitle = 'Steam 钱包充值卡 ¥50';

describe('paying through a real channel in the sandbox', () => {
  const app = useBrowserApp();

  it('the buyer picks 支付宝, the simulator signs the notification, and the order is delivered', async () => {
    const page = await app.newPage();
    const shot = screenshots(page, 'pay-real-channel');
    await page.goto(app.baseUrl + '/');
    await signIn(page, demoAccounts.buyer, demoPassword);
    await page.getByRole('link', { name: steamTitle, exact: true }).click();
    for (const name of ['支付宝', '微信支付', '银联', '易支付']) await page.getByRole('radio', { name: new RegExp(`^${name}`) }).waitFor();
    await page.getByRole('radio', { name: /^支付宝/ }).check();
    await page.getByRole('button', { name: /立即购买/ }).click();

    await page.waitForURL(/\/pay\/[0-9a-f-]{36}$/);
    const payButton = page.getByRole('button', { name: '模拟支付宝支付成功' });
    await payButton.waitFor();
    await shot('pay');
    await payButton.click();

    await page.waitForURL(/\/orders\/[0-9a-f-]{36}$/);
    const orderId = new URL(page.url()).pathname.split('/').pop()!;
    await page.getByRole('button', { name: '查看卡密' }).waitFor();
    await shot('order');
    const note = await app.kameng.ctx.db.selectFrom('payment_notifications').innerJoin('payments', 'payments.id', 'payment_notifications.payment_id')
      .select(['payment_notifications.source', 'payments.channel']).where('payments.order_id', '=', orderId).executeTakeFirstOrThrow();
    expect(note).toEqual({ source: 'callback:alipay', channel: 'alipay' });
  });
});
