import { describe, expect, it } from 'vitest';
import { demoAccounts, demoPassword } from '../../src/seed/demo';
import { screenshots, signIn, useBrowserApp } from './browser-harness';

const manualTitle = '原神 代肝每日委托（7 天）';
const queryPassword = 'guest-secret-1';
const deliveryText = '代练已开始：账号 demo-player，完成截图稍后补充。';

describe('a guest order delivered by hand', () => {
  const app = useBrowserApp();

  it('a guest checks out without an account, the merchant delivers, and the guest reopens the order by lookup', async () => {
    const guest = await app.newPage({ width: 375, height: 812 });
    const shotGuest = screenshots(guest, 'guest-manual');
    await guest.goto(app.baseUrl + '/');
    await guest.getByRole('link', { name: manualTitle, exact: true }).click();
    await guest.getByRole('button', { name: /立即购买/ }).click();
    await guest.getByText('查询密码至少 6 位。').waitFor(); // checked before anything is sent
    await guest.getByLabel('联系方式').fill('13800138000');
    await guest.getByLabel('查询密码').fill(queryPassword);
    await shotGuest('checkout');
    await guest.getByRole('button', { name: /立即购买/ }).click();

    await guest.getByText('请记下订单号', { exact: false }).waitFor();
    await shotGuest('pay');
    await guest.getByRole('button', { name: '模拟支付成功' }).click();
    await guest.waitForURL(/\/orders\/[0-9a-f-]{36}$/);
    await guest.getByText('等待商家人工发货').waitFor();
    const orderNo = (await guest.getByRole('definition').locator('code').first().textContent())!.trim();
    expect(orderNo).toMatch(/^KM\d+$/);
    await shotGuest('awaiting-delivery');

    const merchant = await app.newPage();
    const shotMerchant = screenshots(merchant, 'guest-manual-merchant');
    await merchant.goto(app.baseUrl + '/');
    await signIn(merchant, demoAccounts.merchant, demoPassword);
    // The console opens on the dashboard; the orders to deliver are under 店铺概览.
    await merchant.getByRole('link', { name: '店铺概览', exact: true }).click();
    const row = merchant.getByRole('listitem').filter({ hasText: orderNo });
    await row.getByLabel('发货内容').fill(deliveryText);
    await shotMerchant('deliver');
    await row.getByRole('button', { name: '确认发货' }).click();
    await row.getByText('已发货').waitFor();

    await guest.reload();
    await guest.getByText(deliveryText).waitFor();
    await guest.getByRole('button', { name: '确认收货' }).waitFor();
    await shotGuest('delivered');

    const later = await app.newPage({ width: 375, height: 812 });
    const shotLater = screenshots(later, 'guest-manual-lookup');
    await later.goto(app.baseUrl + '/lookup');
    await later.getByLabel('订单号').fill(orderNo);
    await later.getByLabel('查询密码').fill('not-the-password');
    await later.getByRole('button', { name: '查询订单' }).click();
    await later.getByRole('alert').getByText('订单号或查询密码不正确').waitFor();
    await shotLater('wrong-password');
    await later.getByLabel('查询密码').fill(queryPassword);
    await later.getByRole('button', { name: '查询订单' }).click();
    await later.getByText(deliveryText).waitFor();
    await shotLater('found');
    for (const page of [guest, merchant, later]) await page.context().close();
  });
});
