import type { Page } from 'playwright-core';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { demoAccounts, demoPassword } from '../../src/seed/demo';
import { auditPage, checkScreen, screenshots, signIn, useBrowserApp } from './browser-harness';

const steamTitle = 'Steam 钱包充值卡 ¥50';
const judgementTitle = '仲裁：举证不足或与平台记录不符，驳回';
const note = '内部备注：买家截图的时间早于发货时间，需核对';
const screenshotName = '兑换失败截图.png';
const decisionReason = '买家截图与平台记录的兑换时间不符，商家出库记录显示卡密有效';

// One world for the file: the holiday overrides touch nothing the workbench reads.
const app = useBrowserApp();

describe('the staff workbench', () => {

  async function call(method: 'GET' | 'POST', url: string, token: string, payload?: object) {
    const res = await app.kameng.server.inject({ method, url, headers: { authorization: `Bearer ${token}` }, ...(payload ? { payload } : {}) });
    expect(res.statusCode, `${method} ${url}: ${res.body}`).toBeLessThan(300);
    return res.json();
  }
  async function token(email: string): Promise<string> {
    const login = await app.kameng.server.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password: demoPassword } });
    return (login.json() as { token: string }).token;
  }

  /** A screenshot the buyer uploads as evidence, through the real multipart route. */
  async function uploadScreenshot(buyer: string): Promise<string> {
    const png = await sharp({ create: { width: 640, height: 360, channels: 3, background: { r: 210, g: 60, b: 50 } } }).png().toBuffer();
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(png)], { type: 'image/png' }), screenshotName);
    const res = await fetch(`${app.baseUrl}/api/evidence`, { method: 'POST', headers: { authorization: `Bearer ${buyer}` }, body: form });
    expect(res.status, await res.clone().text()).toBe(201);
    return ((await res.json()) as { id: string }).id;
  }

  /** The demo buyer buys a Steam card with the wallet, reveals it, claims it is invalid (with a screenshot when asked); the merchant contests; the buyer escalates. */
  async function caseUnderArbitration(description: string, withScreenshot = false): Promise<string> {
    const [buyer, merchant] = [await token(demoAccounts.buyer), await token(demoAccounts.merchant)];
    const evidenceIds = withScreenshot ? [await uploadScreenshot(buyer)] : [];
    const products = await call('GET', '/api/products?limit=50', buyer);
    const steam = products.items.find((p: { title: string }) => p.title === steamTitle);
    const { order } = await call('POST', '/api/orders', buyer, { productId: steam.id, quantity: 1, channel: 'balance' });
    await call('POST', `/api/orders/${order.id}/keys/reveal`, buyer);
    const filed = await call('POST', `/api/orders/${order.id}/refund-cases`, buyer, { reason: 'key_invalid', description, expectedOutcome: 'full_refund', evidenceIds });
    await call('POST', `/api/refund-cases/${filed.id}/merchant-response`, merchant, { action: 'contest', message: '出库时有效，请提供兑换失败的截图' });
    await call('POST', `/api/refund-cases/${filed.id}/escalate`, buyer);
    return filed.id as string;
  }

  const noHorizontalScroll = async (page: Page) => expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);

  it('staff lands on the workbench, filters, claims, reads the evidence, writes a note and decides with a judgement rule', async () => {
    const caseId = await caseUnderArbitration('14:05 兑换时提示“该卡已被使用”，已联系客服', true);
    const heldElsewhere = await caseUnderArbitration('15:20 兑换失败，提示卡密无效');
    await call('POST', `/api/refund-cases/${heldElsewhere}/claim`, await token(demoAccounts.staff2));

    const page = await app.newPage();
    const shot = screenshots(page, 'staff-workbench');
    await page.goto(app.baseUrl);
    await signIn(page, demoAccounts.staff, demoPassword);
    await page.waitForURL(`${app.baseUrl}/staff`);
    await page.getByRole('heading', { level: 1, name: '仲裁台' }).waitFor();
    const rows = page.locator('.case-row');
    await expect.poll(() => rows.count()).toBe(2);
    await page.locator('.case-row').filter({ hasText: '仲裁员老周 已认领' }).waitFor();
    await checkScreen(page, shot, 'queue');

    // Filters: unclaimed leaves out the case staff2 holds; mine is empty until this staff member claims.
    const filters = page.getByRole('navigation', { name: '筛选队列' });
    await filters.getByRole('link', { name: '我认领的' }).click();
    await page.getByText('没有符合该筛选的售后单', { exact: false }).waitFor();
    await filters.getByRole('link', { name: '未认领' }).click();
    await expect.poll(() => rows.count()).toBe(1);
    await rows.first().getByRole('button', { name: /^认领/ }).click();
    // Claimed, it leaves the unclaimed list and shows under "mine".
    await page.getByText('没有符合该筛选的售后单', { exact: false }).waitFor();
    await filters.getByRole('link', { name: '我认领的' }).click();
    await expect.poll(() => rows.count()).toBe(1);
    await rows.first().getByText('我已认领').waitFor();
    await checkScreen(page, shot, 'claimed');

    // The case: evidence and timeline come before the decision form; nothing is preselected.
    await rows.first().getByRole('link', { name: steamTitle }).click();
    await page.waitForURL(`${app.baseUrl}/cases/${caseId}`);
    const form = page.locator('form[aria-labelledby="decide-title"]');
    await form.waitFor();
    const above = async (selector: string) => page.evaluate(([sel]) => {
      const a = document.querySelector(sel!)!; const b = document.querySelector('form[aria-labelledby="decide-title"]')!;
      return Boolean(a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING);
    }, [selector]);
    expect(await above('section[aria-labelledby="evidence-title"]')).toBe(true);
    expect(await above('section[aria-labelledby="case-timeline-title"]')).toBe(true);
    // The buyer's screenshot is there to review: it loads, and opens full size from a named link.
    const evidence = page.locator('section[aria-labelledby="evidence-title"]');
    const screenshot = evidence.getByRole('img', { name: screenshotName });
    await screenshot.scrollIntoViewIfNeeded();
    await expect.poll(() => screenshot.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(640);
    await evidence.getByRole('link', { name: new RegExp(screenshotName) }).waitFor();
    for (const name of [/^退款/, /^部分退款/, /^驳回/]) expect(await form.getByRole('radio', { name }).isChecked()).toBe(false);
    expect(await form.getByRole('button', { name: '提交判定' }).isDisabled()).toBe(true);
    // Only judgement rules, by title: no setting such as 可申诉次数.
    const options = await form.getByLabel('依据规则').locator('option').allTextContents();
    expect(options).toContain(judgementTitle);
    expect(options.some((o) => o.includes('可申诉次数') || o.includes('aftersales.'))).toBe(false);

    // Party history beside the case.
    const history = page.getByRole('region', { name: '双方历史' });
    await history.getByText('小明').waitFor();
    await history.getByText('星辰点卡专营店').waitFor();

    // An internal note.
    const notes = page.getByRole('region', { name: '内部备注' });
    await notes.getByLabel('新备注').fill(note);
    await notes.getByRole('button', { name: '添加备注' }).click();
    await notes.getByText(note).waitFor();
    await checkScreen(page, shot, 'case');

    // The decision.
    await form.getByRole('radio', { name: /^驳回/ }).check();
    await form.getByLabel('依据规则').selectOption({ label: judgementTitle });
    await form.getByLabel('判定理由').fill(decisionReason);
    await form.getByRole('button', { name: '提交判定' }).click();
    await page.getByText('判定已提交并执行', { exact: false }).waitFor();
    await page.getByRole('region', { name: '处理结果' }).getByText(judgementTitle).waitFor();
    await checkScreen(page, shot, 'decided');
    const decided = await call('GET', `/api/refund-cases/${caseId}`, await token(demoAccounts.buyer));
    expect(decided).toMatchObject({ status: 'rejected', decision: { outcome: 'reject', ruleId: 'aftersales.judgement.claim-unproven' } });
    expect(JSON.stringify(decided)).not.toContain(note);

    // A phone: the same case page stacks without horizontal scrolling; the queue too.
    const phone = await app.newPage({ width: 375, height: 812 });
    const phoneShot = screenshots(phone, 'staff-workbench-375');
    await phone.goto(app.baseUrl);
    await signIn(phone, demoAccounts.staff, demoPassword);
    await phone.waitForURL(`${app.baseUrl}/staff`);
    await phone.locator('.case-row').first().waitFor();
    await noHorizontalScroll(phone);
    await phoneShot('queue');
    expect(await auditPage(phone)).toEqual([]);
    await phone.goto(`${app.baseUrl}/cases/${heldElsewhere}`);
    await phone.getByText('仲裁员老周 已认领此售后单', { exact: false }).waitFor();
    expect(await phone.locator('form[aria-labelledby="decide-title"]').count()).toBe(0);
    await phone.getByRole('region', { name: '双方历史' }).getByText('小明').waitFor();
    await noHorizontalScroll(phone);
    await phoneShot('case-claimed-by-other');
    expect(await auditPage(phone)).toEqual([]);
  }, 180_000); // eight screens, each checked at two widths: well past the default on a loaded CI runner
});

describe('holiday overrides in the admin console', () => {

  it('an admin sees the years the calendar does not cover, adds a holiday and removes it, at 1280 and 375 px', async () => {
    for (const viewport of [{ width: 1280, height: 900 }, { width: 375, height: 812 }]) {
      const page = await app.newPage(viewport);
      const shot = screenshots(page, `admin-holidays-${viewport.width}`);
      await page.goto(app.baseUrl);
      await signIn(page, demoAccounts.admin, demoPassword);
      await page.waitForURL(`${app.baseUrl}/admin`);
      await page.getByRole('navigation', { name: '管理后台分区' }).getByRole('link', { name: '节假日调整' }).click();
      await page.getByRole('heading', { name: '节假日调整', level: 2 }).waitFor();
      await page.getByText('暂无调整', { exact: false }).waitFor();
      const uncovered = (await app.kameng.server.inject({ method: 'GET', url: '/api/admin/holidays', headers: { authorization: `Bearer ${await adminToken(app)}` } })).json().uncoveredYears as number[];
      if (uncovered.length > 0) await page.getByText(`日历尚未收录 ${uncovered.join('、')} 年`, { exact: false }).waitFor();
      await page.getByLabel('日期').fill('2030-06-12');
      await page.getByLabel('名称').fill('临时休假');
      await page.getByRole('button', { name: '保存' }).click();
      const list = page.getByRole('list', { name: '已调整的日期' });
      await list.getByText('临时休假').waitFor();
      await list.getByText('放假').waitFor();
      await shot('added');
      expect(await auditPage(page)).toEqual([]);
      if (viewport.width === 375) expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
      await list.getByRole('button', { name: /^删除/ }).click();
      await page.getByText('暂无调整', { exact: false }).waitFor();
      await page.close();
    }
  });
});

async function adminToken(app: { kameng: { server: { inject(options: object): Promise<{ json(): { token: string } }> } } }): Promise<string> {
  const login = await app.kameng.server.inject({ method: 'POST', url: '/api/auth/login', payload: { email: demoAccounts.admin, password: demoPassword } });
  return login.json().token;
}
