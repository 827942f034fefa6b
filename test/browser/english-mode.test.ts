import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { demoAccounts, demoPassword } from '../../src/seed/demo';
import { auditPage, screenshots, signIn, useBrowserApp } from './browser-harness';

const steamTitle = 'Steam 钱包充值卡 ¥50';
/** Any Han character: the server's words in English mode must have none. */
const han = /\p{Script=Han}/u;

/** Issue 9: in English mode the refund policy, the reveal consent and the refund warnings come from the server in English. */
describe('English mode end to end', () => {
  const app = useBrowserApp();

  const textOf = async (page: Page, selector: string) => (await page.locator(selector).first().innerText()).trim();

  it('a buyer switches to English, buys, consents to the English text that is recorded, and gets English warnings', async () => {
    const page = await app.newPage();
    const shot = screenshots(page, 'english-mode');
    await page.goto(app.baseUrl + '/');
    await signIn(page, demoAccounts.buyer, demoPassword);
    await page.getByRole('link', { name: steamTitle, exact: true }).click();
    await page.getByRole('heading', { name: '售后政策' }).waitFor();
    expect(await textOf(page, 'section.policy')).toMatch(han);

    // The switch loads the English catalogue and fetches the product again: the policy is now the server's English.
    await page.getByRole('button', { name: 'Switch to English' }).click();
    await page.getByRole('heading', { name: 'Refund policy' }).waitFor();
    await expect.poll(() => textOf(page, 'section.policy')).toContain('Article 25 of the Consumer Rights Protection Law');
    expect(await textOf(page, 'section.policy')).not.toMatch(han);
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');
    expect(await auditPage(page)).toEqual([]);
    await shot('product');

    await page.getByRole('radio', { name: /Sandbox payment/ }).check();
    await page.getByRole('button', { name: /Buy now/ }).click();
    await page.getByRole('button', { name: /Simulate successful payment/ }).click();
    await page.waitForURL(/\/orders\/[0-9a-f-]{36}$/);
    const orderId = new URL(page.url()).pathname.split('/').pop()!;

    await page.getByRole('button', { name: /View card keys/ }).click();
    const consent = page.getByRole('dialog', { name: 'Before you view the keys' });
    await consent.waitFor();
    const dialogText = (await consent.innerText()).trim();
    expect(dialogText).toContain('Article 25 of the Consumer Rights Protection Law');
    expect(dialogText).not.toMatch(han);
    expect(await auditPage(page)).toEqual([]);
    await shot('consent');
    const shownSentences = (await consent.locator('p').allInnerTexts()).map((p) => p.trim()).filter(Boolean).join(' ');
    const revealed = page.waitForResponse((res) => res.url().endsWith(`/api/orders/${orderId}/keys/reveal`));
    await consent.getByRole('button', { name: 'I understand, show the keys' }).click();
    const { consentText } = await (await revealed).json() as { consentText: string };
    // What the buyer read is what the server answered and recorded.
    expect(consentText).toBe(shownSentences);
    const recorded = await app.kameng.ctx.db.selectFrom('key_reveals').select('consent_text').where('order_id', '=', orderId).execute();
    expect(recorded.map((r) => r.consent_text)).toEqual([consentText]);
    await page.getByRole('list', { name: 'Card keys' }).locator('code').first().waitFor();
    await shot('key-revealed');

    await page.getByRole('link', { name: 'Request after-sales' }).click();
    await page.waitForURL(/\/orders\/[0-9a-f-]{36}\/refund$/);
    await page.getByRole('radio', { name: /Key invalid or already used/ }).check();
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByLabel('Description').fill('not working');
    const warnings = page.locator('.note-warning');
    await warnings.first().waitFor();
    await expect.poll(async () => (await warnings.allInnerTexts()).join('\n')).toContain('too general');
    for (const warning of await warnings.allInnerTexts()) expect(warning).not.toMatch(han);
    expect(await auditPage(page)).toEqual([]);
    await shot('wizard-warnings');

    await page.getByLabel('Description').fill('At 14:05 redeeming the key showed "this code has already been used"');
    await page.getByText('Clear enough for the platform to check against its records.').waitFor();
    await page.getByRole('button', { name: 'Next' }).click();
    const checklist = page.getByRole('list', { name: 'Evidence checklist' });
    await checklist.getByText('Proof of the problem', { exact: false }).waitFor();
    expect((await checklist.innerText()).trim()).not.toMatch(han);
    expect(await auditPage(page)).toEqual([]);
    await shot('wizard-checklist');
    await page.context().close();
  });

  it("a reader who chose English before reads the server's English policy on a 375 px phone", async () => {
    const page = await app.newPage({ width: 375, height: 812 });
    const shot = screenshots(page, 'english-mode-375');
    await page.addInitScript(() => localStorage.setItem('kameng.lang', 'en'));
    await page.goto(app.baseUrl + '/');
    await page.getByRole('link', { name: steamTitle, exact: true }).click();
    await page.getByRole('heading', { name: 'Refund policy' }).waitFor();
    await expect.poll(() => textOf(page, 'section.policy')).toContain('after-sales within 1 hour of delivery');
    expect(await textOf(page, 'section.policy')).not.toMatch(han);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    expect(await auditPage(page)).toEqual([]);
    await shot('product');
    await page.context().close();
  });

  it('a Chinese reader never downloads the English catalogue', async () => {
    const page = await app.newPage();
    const assets: string[] = [];
    page.on('request', (request) => { if (request.url().includes('/assets/')) assets.push(new URL(request.url()).pathname); });
    await page.goto(app.baseUrl + '/');
    await page.getByRole('link', { name: steamTitle, exact: true }).click();
    await page.getByRole('heading', { name: '售后政策' }).waitFor();
    expect(assets.some((asset) => asset.includes('messages-en'))).toBe(false);
    expect(assets.length).toBeGreaterThan(0); // the watch saw the app's own assets
    await page.getByRole('button', { name: 'Switch to English' }).click();
    await page.getByRole('heading', { name: 'Refund policy' }).waitFor();
    expect(assets.some((asset) => asset.includes('messages-en'))).toBe(true);
    await page.context().close();
  });
});
