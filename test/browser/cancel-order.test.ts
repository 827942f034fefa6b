import { describe, expect, it } from 'vitest';
import { demoAccounts, demoPassword } from '../../src/seed/demo';
import { checkScreen, screenshots, signIn, useBrowserApp } from './browser-harness';

const steamTitle = 'Steam 钱包充值卡 ¥50';

describe('cancelling an unpaid order in the browser', () => {
  const app = useBrowserApp();

  async function stock(productId: string): Promise<number> {
    return (await app.kameng.server.inject({ method: 'GET', url: `/api/products/${productId}` })).json().stock;
  }

  it('the buyer leaves the pay page unpaid, cancels on the order page, and the key goes back on sale', async () => {
    const page = await app.newPage();
    const shot = screenshots(page, 'cancel-order');
    await page.goto(app.baseUrl + '/');
    await signIn(page, demoAccounts.buyer, demoPassword);
    await page.getByRole('link', { name: steamTitle, exact: true }).click();
    await page.getByRole('radio', { name: /模拟支付/ }).check();
    await page.getByRole('button', { name: /立即购买/ }).click();
    await page.waitForURL(/\/pay\/[0-9a-f-]{36}$/);
    const paymentId = page.url().split('/pay/')[1];
    await page.getByRole('button', { name: '模拟支付成功' }).waitFor();
    await checkScreen(page, shot, 'pay-page-left-unpaid');
    const payment = (await app.kameng.server.inject({ method: 'GET', url: `/api/payments/${paymentId}` })).json();
    const order = await app.kameng.ctx.db.selectFrom('orders').select(['id', 'product_id']).where('id', '=', payment.orderId).executeTakeFirstOrThrow();
    const reserved = await stock(order.product_id);

    await page.goto(`${app.baseUrl}/orders/${order.id}`);
    await page.getByText('订单待支付').waitFor();
    await checkScreen(page, shot, 'unpaid');
    await page.getByRole('button', { name: '取消订单' }).click();
    const dialog = page.getByRole('dialog', { name: '取消这笔订单？' });
    await dialog.waitFor();
    await checkScreen(page, shot, 'confirm');
    await dialog.getByRole('button', { name: '确认取消' }).click();
    await page.getByText('您已取消此订单，库存已释放，未产生扣款。').waitFor();
    await checkScreen(page, shot, 'cancelled');
    expect(await page.getByRole('button', { name: '取消订单' }).count()).toBe(0);
    expect(await stock(order.product_id)).toBe(reserved + 1);

    await page.getByRole('button', { name: 'Switch to English' }).click();
    await page.getByText('You cancelled this order.', { exact: false }).waitFor();
    await shot('cancelled-en');
    await page.context().close();
  });
});
