import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import pino from 'pino';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect, inject } from 'vitest';
import { createKameng, type Kameng } from '../../src/app';
import type { Database } from '../../src/db/connect';
import { seedDemo } from '../../src/seed/demo';
import { freshDatabase } from '../support/databases';

const chromiumPath = '/usr/bin/chromium';
const chromiumArgs = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const screenshotDir = path.resolve(import.meta.dirname, '../../test-artifacts/screenshots');
const actionTimeoutMs = 20_000;

export interface BrowserApp {
  kameng: Kameng;
  baseUrl: string;
  newPage(viewport?: { width: number; height: number }): Promise<Page>;
}

/**
 * A real listening Kameng on a fresh, demo-seeded database (PGlite, or PostgreSQL with
 * DATABASE_URL) and Debian's Chromium, for one test file.
 */
export function useBrowserApp(): BrowserApp {
  const holder = {} as BrowserApp;
  let database: Database | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    process.env.KAMENG_TEST_RUN = inject('testRun');
    mkdirSync(screenshotDir, { recursive: true });
    database = await freshDatabase();
    holder.kameng = await createKameng({
      database, logger: pino({ level: 'silent' }),
      config: { sandbox: true, secret: 'browser-test-secret', topupSimulator: 'manual', schedulerIntervalMs: 0, dataDir: '/tmp/kameng-browser', logLevel: 'silent', trustCacheTtlMs: 0 },
    });
    await seedDemo(holder.kameng.ctx);
    await holder.kameng.server.listen({ port: 0, host: '127.0.0.1' });
    holder.baseUrl = `http://127.0.0.1:${(holder.kameng.server.server.address() as { port: number }).port}`;
    const launched = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
    browser = launched;
    holder.newPage = async (viewport = { width: 1280, height: 900 }) => {
      const context = await launched.newContext({ viewport, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
      const page = await context.newPage();
      page.setDefaultTimeout(actionTimeoutMs);
      return page;
    };
  });
  afterAll(async () => {
    await browser?.close();
    await holder.kameng?.close();
    await database?.close();
  });
  return holder;
}

/** Numbered full-page screenshots for one journey: `<journey>-01-<step>.png`. */
export function screenshots(page: Page, journey: string) {
  let step = 0;
  return (name: string) => page.screenshot({ path: path.join(screenshotDir, `${journey}-${String(++step).padStart(2, '0')}-${name}.png`), fullPage: true });
}

export async function signIn(page: Page, email: string, password: string): Promise<void> {
  await page.getByRole('banner').getByRole('link', { name: '登录' }).click();
  await page.getByLabel('邮箱').fill(email);
  await page.getByLabel('密码').fill(password);
  await page.getByRole('button', { name: '登录', exact: true }).click();
  await page.getByRole('banner').getByText('已登录').waitFor();
}

/** On a product page: buys one with the sandbox payment, pays it with the simulator, and returns the order id. */
export async function buyWithSandboxPayment(page: Page): Promise<string> {
  await page.getByRole('radio', { name: /模拟支付/ }).check();
  await page.getByRole('button', { name: /立即购买/ }).click();
  await page.getByRole('button', { name: '模拟支付成功' }).click();
  await page.waitForURL(/\/orders\/[0-9a-f-]{36}$/);
  return new URL(page.url()).pathname.split('/').pop()!;
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation { id: string; impact: string | null; help: string; nodes: string[] }

/**
 * Runs axe-core (WCAG 2 A/AA rules) in the page and returns its serious and critical violations,
 * each with the selectors it names, so a test can `expect(await auditPage(page)).toEqual([])`.
 */
export async function auditPage(page: Page): Promise<AxeViolation[]> {
  // Evaluated through the DevTools protocol, which the page's Content-Security-Policy does not govern.
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axeSource);
  const result = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(context: Document, options: object): Promise<{ violations: { id: string; impact: string | null; help: string; nodes: { target: string[] }[] }[] }> } }).axe;
    return axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }, resultTypes: ['violations'] });
  });
  return result.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => ({ id: violation.id, impact: violation.impact, help: violation.help, nodes: violation.nodes.map((node) => node.target.join(' ')) }));
}

/** The widths every key screen of a journey is checked at: a small phone and a desktop. */
export const checkedWidths = [{ width: 375, height: 812 }, { width: 1280, height: 900 }] as const;

/**
 * A journey's key screen, checked at 375 px and at 1280 px in the same page (no second world, no
 * replayed journey): at each width a screenshot is kept (`<journey>-NN-<name>-<width>.png`), the
 * page scrolls no wider than the viewport, and axe-core finds no serious or critical violation.
 * The page is left at the width it had.
 */
export async function checkScreen(page: Page, shot: (name: string) => Promise<unknown>, name: string): Promise<void> {
  const original = page.viewportSize();
  for (const viewport of checkedWidths) {
    await page.setViewportSize(viewport);
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
    await shot(`${name}-${viewport.width}`);
    expect(await page.evaluate(() => document.documentElement.scrollWidth), `${name} at ${viewport.width} px scrolls sideways`).toBeLessThanOrEqual(viewport.width);
    expect(await auditPage(page), `axe-core on ${name} at ${viewport.width} px`).toEqual([]);
  }
  if (original) await page.setViewportSize(original);
}
