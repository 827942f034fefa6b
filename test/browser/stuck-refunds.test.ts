import { describe, expect, it } from 'vitest';
import { demoAccounts, demoPassword } from '../../src/seed/demo';
import { Api, type Session } from '../support/api';
import { fileCase } from '../support/aftersales';
import { auditPage, screenshots, signIn, useBrowserApp } from './browser-harness';

describe('the admin console: stuck channel refunds', () => {
  const app = useBrowserApp();

  it('the fund page lists a guest refund Alipay refused with its answer; the admin records it paid out of band with a note and it leaves the list', async () => {
    // A guest's Alipay order refunded at once, the refund refused by Alipay: no wallet to fall back to.
    const api = new Api(app.kameng.server);
    const shop = await api.makeShop();
    const product = await api.makeProduct(shop, { keys: 1, price: 1_500 });
    const created = await api.ok('POST', '/api/orders', {
      headers: { 'idempotency-key': crypto.randomUUID() },
      body: { productId: product.id, quantity: 1, channel: 'alipay', guest: { contact: 'stuck-guest@example.com', queryPassword: 'guest-query-1' } },
    });
    await api.ok('POST', `/api/sandbox/payments/${created.payment.id}/succeed`);
    const filed = await fileCase(api, { token: created.guestToken } as Session, created.order.id, { reason: 'buyer_mistake', description: '买错面额了，刚下单一分钟，卡密还没看' });
    const refundId = filed.body.refunds[0].id as string;
    await api.ok('POST', `/api/sandbox/refunds/${refundId}/outcome`, { body: { outcome: 'failed' } });
    await api.advance(0);

    const page = await app.newPage();
    const shot = screenshots(page, 'admin-stuck-refunds');
    await page.goto(app.baseUrl);
    await signIn(page, demoAccounts.admin, demoPassword);
    await page.waitForURL(`${app.baseUrl}/admin`);
    await page.getByRole('navigation', { name: '管理后台分区' }).getByRole('link', { name: '先行赔付基金' }).click();
    const stuck = page.getByRole('region', { name: '卡住的渠道退款' });
    await stuck.getByText('1 笔退款共 ¥15.00 卡在处理中').waitFor();
    const row = stuck.getByRole('listitem', { name: `订单 ${created.order.orderNo}` });
    await row.getByText('支付宝 · 游客订单').waitFor();
    await row.getByText('渠道退款失败', { exact: true }).waitFor();
    await row.getByText(/ACQ\.TRADE_STATUS_ERROR/).waitFor();
    await shot('listed');
    expect(await auditPage(page)).toEqual([]);

    await row.getByRole('button', { name: '登记线下已付' }).click();
    await row.getByLabel('付款说明（方式、时间、流水号）').fill('12月1日 工商银行转账 流水号 20261201001');
    await row.getByRole('button', { name: '确认线下已付' }).click();
    await stuck.getByText('没有卡住的渠道退款。').waitFor();
    await shot('resolved');
    const refund = await app.kameng.ctx.db.selectFrom('refunds').selectAll().where('id', '=', refundId).executeTakeFirstOrThrow();
    expect(refund).toMatchObject({ status: 'succeeded', resolution: 'paid_out_of_band', resolution_note: '12月1日 工商银行转账 流水号 20261201001' });
  });
});
