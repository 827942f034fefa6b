import { deflateSync } from 'node:zlib';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { demoAccounts, demoPassword } from '../../src/seed/demo';
import { buyWithSandboxPayment, screenshots, signIn, useBrowserApp } from './browser-harness';

const steamTitle = 'Steam 钱包充值卡 ¥50';
const description = '14:05 在 Steam 客户端兑换卡密时提示“该充值码已被使用”，订单号见本单，兑换失败截图已上传。';
const contestMessage = '该卡密出库前已核验有效，后台显示于买家查看后 3 分钟被兑换。';
const decisionReason = '商家未能提供卡密核销记录，买家截图与平台查看记录一致，支持全额退款。';
const decisionRule = 'aftersales.judgement.claim-proven';

/** A small real PNG (a red bar with a dark stripe), built from bytes so the server's content sniffing accepts it. */
function redemptionScreenshot(): Buffer {
  const width = 96;
  const height = 48;
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc32 = (bytes: Buffer) => {
    let c = 0xffffffff;
    for (const byte of bytes) c = crcTable[(c ^ byte) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // truecolour RGB
  const rows: number[] = [];
  for (let y = 0; y < height; y++) {
    rows.push(0); // filter: none
    for (let x = 0; x < width; x++) rows.push(...(y > 18 && y < 30 ? [40, 40, 40] : [200, 30, 30]));
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header), chunk('IDAT', deflateSync(Buffer.from(rows))), chunk('IEND', Buffer.alloc(0)),
  ]);
}

describe('a refund case from the wizard to a staff decision', () => {
  const app = useBrowserApp();

  async function apiToken(email: string): Promise<string> {
    const login = await app.kameng.server.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password: demoPassword } });
    return (login.json() as { token: string }).token;
  }

  async function signedInPage(email: string, viewport?: { width: number; height: number }): Promise<Page> {
    const page = await app.newPage(viewport);
    await page.goto(app.baseUrl + '/');
    await signIn(page, email, demoPassword);
    return page;
  }

  it('buyer files a key_invalid case with a screenshot, merchant contests, buyer escalates, staff refunds citing a rule', async () => {
    // Buyer, on a phone: buy, reveal, then 申请售后.
    const buyer = await signedInPage(demoAccounts.buyer, { width: 375, height: 812 });
    const shotBuyer = screenshots(buyer, 'refund-case-buyer');
    await buyer.getByRole('link', { name: steamTitle, exact: true }).click();
    const orderId = await buyWithSandboxPayment(buyer);
    await buyer.getByRole('button', { name: '查看卡密' }).click();
    await buyer.getByRole('dialog', { name: '查看卡密前请确认' }).getByRole('button', { name: '我已知晓，查看卡密' }).click();
    await buyer.getByRole('list', { name: '卡密' }).locator('code').first().waitFor();
    const apply = buyer.getByRole('link', { name: '申请售后' });
    await apply.waitFor();
    await shotBuyer('order-with-apply');
    await apply.click();

    // Wizard step 1: reason.
    await buyer.waitForURL(/\/orders\/[0-9a-f-]{36}\/refund$/);
    await buyer.getByRole('button', { name: '下一步' }).click();
    await buyer.getByText('请选择一个原因。').waitFor(); // checked before moving on
    await buyer.getByRole('radio', { name: /卡密无效或已被使用/ }).check();
    await shotBuyer('wizard-reason');
    await buyer.getByRole('button', { name: '下一步' }).click();

    // Step 2: a vague description draws the server's hint; a concrete one clears it.
    const text = buyer.getByLabel('问题描述');
    await text.fill('不能用');
    await buyer.getByText('描述太笼统', { exact: false }).waitFor();
    await shotBuyer('wizard-vague-hint');
    await text.fill(description);
    await buyer.getByText('描述清楚，平台可以据此核对记录。').waitFor();
    await buyer.getByRole('button', { name: '下一步' }).click();

    // Step 3: the checklist ticks 交易凭证 for the platform; the buyer uploads 问题证明.
    const checklist = buyer.getByRole('list', { name: '证据清单' });
    await checklist.getByText('平台已有').waitFor();
    expect(await checklist.locator('li.checked').count()).toBe(1);
    await buyer.getByLabel('上传问题证明').setInputFiles({ name: 'redeem-failed.png', mimeType: 'image/png', buffer: redemptionScreenshot() });
    await buyer.getByRole('list', { name: '已上传的文件' }).getByText('redeem-failed.png').waitFor();
    await expect.poll(() => checklist.locator('li.checked').count()).toBe(2);
    await shotBuyer('wizard-evidence');
    await buyer.getByRole('button', { name: '下一步' }).click();

    // Step 4: full refund of the one key, back to the original payment.
    await buyer.getByRole('radio', { name: /全额退款/ }).check();
    await buyer.getByRole('radio', { name: /原路退回/ }).check();
    await buyer.getByRole('button', { name: '下一步' }).click();

    // Step 5: the verdict in words, then submit.
    await buyer.getByText('将提交商家处理，商家需在 24 小时内答复', { exact: false }).waitFor();
    await shotBuyer('wizard-review');
    await buyer.getByRole('button', { name: '提交申请' }).click();

    await buyer.waitForURL(/\/cases\/[0-9a-f-]{36}$/);
    const caseId = new URL(buyer.url()).pathname.split('/').pop()!;
    await buyer.getByText('等待商家处理').first().waitFor();
    const nextStep = buyer.locator('.next-step');
    await nextStep.getByText('截止', { exact: false }).waitFor();
    await nextStep.getByRole('timer').waitFor();
    await buyer.getByRole('img', { name: 'redeem-failed.png' }).waitFor();
    await buyer.getByRole('heading', { name: '平台记录' }).waitFor();
    await shotBuyer('case-awaiting-merchant');

    // Merchant, on a desktop: the console's 售后 tab, then the case.
    const merchant = await signedInPage(demoAccounts.merchant);
    const shotMerchant = screenshots(merchant, 'refund-case-merchant');
    await merchant.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '商家后台' }).click();
    await merchant.getByRole('link', { name: /^售后/ }).click(); // the tab also counts the cases waiting
    const row = merchant.locator('.case-row').filter({ hasText: '等待商家处理' }).first();
    await row.getByRole('timer').waitFor();
    await shotMerchant('console-cases');
    await row.getByRole('link', { name: steamTitle }).click();
    await merchant.waitForURL(new RegExp(`/cases/${caseId}$`));
    await merchant.getByRole('radio', { name: /提出异议/ }).check();
    await merchant.getByLabel('给买家的说明').fill(contestMessage);
    await shotMerchant('respond-form');
    await merchant.getByRole('button', { name: '提交答复' }).click();
    await merchant.getByText('答复已提交，已通知买家。').waitFor();
    await merchant.getByText('等待买家确认').first().waitFor();
    await shotMerchant('contested');

    // Buyer: asks the platform to step in.
    await buyer.reload();
    await buyer.getByText(contestMessage).first().waitFor();
    await buyer.getByRole('button', { name: '申请平台介入' }).click();
    await buyer.getByText('平台仲裁中').first().waitFor();
    await shotBuyer('escalated');

    // Staff: the queue, then the decision with a rule and a reason.
    const staff = await signedInPage(demoAccounts.staff);
    const shotStaff = screenshots(staff, 'refund-case-staff');
    await staff.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '仲裁台' }).click();
    const queued = staff.locator('.case-row').filter({ hasText: '平台仲裁中' }).first();
    await queued.waitFor();
    await shotStaff('queue');
    await queued.getByRole('link', { name: steamTitle }).click();
    await staff.waitForURL(new RegExp(`/cases/${caseId}$`));
    await staff.getByRole('radio', { name: /^退款/ }).check();
    await staff.getByRole('button', { name: '提交判定' }).click();
    await staff.getByText('请选择判定依据的规则。').waitFor(); // the form requires a rule and a reason
    await staff.getByText('判定理由至少 10 个字。').waitFor();
    await staff.getByLabel('依据规则').selectOption(decisionRule);
    await staff.getByLabel('判定理由').fill(decisionReason);
    await shotStaff('decision-form');
    await staff.getByRole('button', { name: '提交判定' }).click();
    await staff.getByText('判定已提交并执行', { exact: false }).waitFor();
    await shotStaff('decided');

    // Buyer: the decision with its rule, and the refund row.
    await buyer.reload();
    const decision = buyer.getByRole('region', { name: '处理结果' });
    await decision.getByText('仲裁：买家举证充分，支持退款').waitFor();
    await decision.getByText(decisionRule).waitFor();
    await decision.getByText(decisionReason).waitFor();
    const refunds = buyer.getByRole('list', { name: '退款记录' });
    await refunds.getByText('¥50.00').waitFor();
    await shotBuyer('decided');

    const token = await apiToken(demoAccounts.buyer);
    const view = await app.kameng.server.inject({ method: 'GET', url: `/api/refund-cases/${caseId}`, headers: { authorization: `Bearer ${token}` } });
    expect(view.statusCode).toBe(200);
    const body = view.json() as { status: string; orderId: string; decision: { outcome: string; ruleId: string } | null; refunds: Array<{ amount: number }> };
    expect(body.orderId).toBe(orderId);
    expect(body.status).toBe('approved');
    expect(body.decision).toMatchObject({ outcome: 'refund', ruleId: decisionRule });
    expect(body.refunds).toHaveLength(1);
    expect(body.refunds[0].amount).toBe(5000);
    expect(await buyer.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);

    // The bell counts the unread notifications; the list links back to the case.
    await buyer.getByRole('banner').getByRole('link', { name: /^消息通知（\d+ 条未读）$/ }).click();
    await buyer.getByRole('link', { name: '平台已判定' }).first().click();
    await buyer.waitForURL(new RegExp(`/cases/${caseId}$`));

    for (const page of [buyer, merchant, staff]) await page.context().close();
  });
});
