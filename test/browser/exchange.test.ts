import { describe, expect, it } from 'vitest';
import { demoAccounts, demoPassword } from '../../src/seed/demo';
import { buyWithSandboxPayment, screenshots, signIn, useBrowserApp } from './browser-harness';

const jdTitle = '京东 E 卡 ¥100（9.8 折）';
const steamTitle = 'Steam 钱包充值卡 ¥50';

describe('a buyer mistake exchanged in the browser (换货)', () => {
  const app = useBrowserApp();

  it('the buyer bought the wrong card, exchanges it for another product of the shop, and follows the link to the new order', async () => {
    const page = await app.newPage();
    const shot = screenshots(page, 'exchange');
    await page.goto(app.baseUrl + '/');
    await signIn(page, demoAccounts.buyer, demoPassword);
    await page.getByRole('link', { name: jdTitle, exact: true }).click();
    const orderId = await buyWithSandboxPayment(page);

    await page.getByRole('link', { name: '申请售后' }).click();
    await page.waitForURL(/\/refund$/);
    await page.getByRole('radio', { name: /误操作或重复下单/ }).check();
    await page.getByRole('button', { name: '下一步' }).click();
    await page.getByLabel('问题描述').fill('下单时点错了商品，本来要买 Steam 充值卡，卡密没有查看过');
    await page.getByRole('button', { name: '下一步' }).click();
    await page.getByRole('button', { name: '下一步' }).click();
    await page.getByRole('radio', { name: /全额退款/ }).check();
    await page.getByRole('radio', { name: /换货/ }).check();
    await page.getByLabel('换成哪件商品').selectOption({ label: `${steamTitle} · ¥50.00` });
    await shot('wizard-exchange');
    await page.getByRole('button', { name: '下一步' }).click();
    await page.getByRole('button', { name: '提交申请' }).click();
    await page.waitForURL(/\/cases\/[0-9a-f-]{36}/);
    await shot('case');

    const exchanged = await app.kameng.ctx.db.selectFrom('orders').select(['id', 'title', 'status', 'paid']).where('exchanged_from_order_id', '=', orderId).executeTakeFirstOrThrow();
    expect(exchanged).toMatchObject({ title: steamTitle, status: 'delivered', paid: 5_000 });

    await page.goto(`${app.baseUrl}/orders/${orderId}`);
    await page.getByText('此订单已换货为新订单：').waitFor();
    await shot('old-order');
    await page.getByRole('link', { name: exchanged.id.slice(0, 8) }).click();
    await page.waitForURL(new RegExp(`/orders/${exchanged.id}$`));
    await page.getByText('此订单由换货生成，原订单：').waitFor();
    await page.getByRole('heading', { name: steamTitle }).waitFor();
    await shot('new-order');
    await page.context().close();
  });
});
