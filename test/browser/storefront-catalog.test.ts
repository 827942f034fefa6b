import type { Page } from 'playwright-core';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { demoAccounts, demoPassword } from '../../src/seed/demo';
import { auditPage, buyWithSandboxPayment, checkScreen, screenshots, signIn, useBrowserApp } from './browser-harness';

const netease = '网易一卡通 点卡 30 元';
const steam = 'Steam 钱包充值卡 ¥50';
const honor = '王者荣耀 点券直充 300 点';
const iqiyi = '爱奇艺黄金会员 月卡';
const phone = '三网话费直充 50 元';

const titles = (page: Page) => page.locator('.product-grid .product-title').allTextContents();
const noHorizontalScroll = async (page: Page, width: number) => expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);

describe('the storefront catalogue', () => {
  const app = useBrowserApp();

  for (const width of [375, 1280]) {
    it(`at ${width} px a buyer browses by category, sorts by price and searches in pinyin`, async () => {
      const page = await app.newPage({ width, height: 900 });
      const shot = screenshots(page, `storefront-catalog-${width}`);
      await page.goto(app.baseUrl + '/');
      await page.getByRole('link', { name: steam, exact: true }).waitFor();
      expect(await auditPage(page)).toEqual([]);
      // The Office key has no keys yet: listed, shown sold out, after every product in stock.
      expect((await titles(page)).at(-1)).toBe('Office 2021 专业增强版 激活密钥');

      const categories = page.getByRole('navigation', { name: '商品分类' });
      await categories.getByRole('link', { name: '游戏点卡' }).click();
      await page.waitForURL(/category=/);
      await categories.getByRole('link', { name: 'Steam 充值' }).waitFor(); // the chosen parent shows its children
      await page.getByText('共 3 件商品').waitFor();
      expect((await titles(page)).sort()).toEqual([honor, netease, steam].sort());
      await shot('category');
      expect(await auditPage(page)).toEqual([]);

      await page.getByLabel('排序').selectOption({ label: '价格从低到高' });
      await page.waitForURL(/sort=price_asc/);
      await expect.poll(() => titles(page)).toEqual([netease, honor, steam]);
      await page.getByLabel('排序').selectOption({ label: '价格从高到低' });
      await expect.poll(() => titles(page)).toEqual([steam, honor, netease]);
      await shot('sorted');

      await page.getByRole('searchbox', { name: '搜索商品' }).fill('dianka');
      await page.getByRole('button', { name: '搜索', exact: true }).click();
      await page.waitForURL(/q=dianka/);
      await page.getByText('共 1 件商品').waitFor();
      expect(await titles(page)).toEqual([netease]);
      await shot('search-pinyin');
      await noHorizontalScroll(page, width);
      await page.context().close();
    });
  }

  it('the accessibility audit can fail: a nameless button and faint text on the storefront are reported', async () => {
    const page = await app.newPage({ width: 375, height: 812 });
    await page.goto(app.baseUrl + '/');
    await page.getByRole('link', { name: steam, exact: true }).waitFor();
    await page.evaluate(() => {
      const button = document.createElement('button');
      const faint = document.createElement('p');
      faint.textContent = '低对比度的说明文字';
      Object.assign(faint.style, { color: '#c8c8c8', background: '#ffffff' });
      document.body.append(button, faint);
    });
    expect((await auditPage(page)).map((violation) => violation.id).sort()).toEqual(['button-name', 'color-contrast']);
    await page.context().close();
  });

  it('a purchase counts as a sale: the product leads the best-selling sort with its count', async () => {
    const page = await app.newPage({ width: 375, height: 812 });
    const shot = screenshots(page, 'storefront-sales');
    await page.goto(app.baseUrl + '/');
    await signIn(page, demoAccounts.buyer, demoPassword);
    await page.getByRole('link', { name: iqiyi, exact: true }).click();
    await page.locator('.product-main').getByText('已售 0').waitFor();
    await page.locator('.product-main .merchant-line').getByRole('link', { name: '星辰点卡专营店' }).waitFor(); // the shop page, with credit beside it
    expect(await auditPage(page)).toEqual([]);
    await buyWithSandboxPayment(page);
    await page.goto(app.baseUrl + '/?sort=sales');
    await expect.poll(async () => (await titles(page))[0]).toBe(iqiyi);
    await page.locator('.product-card').first().getByText('已售 1').waitFor();
    await shot('best-selling');
    await page.context().close();
  });

  it('a merchant reprices, adds a picture and unlists a product, and the storefront follows', async () => {
    const page = await app.newPage({ width: 1280, height: 900 });
    const shot = screenshots(page, 'merchant-catalog');
    await page.goto(app.baseUrl + '/');
    await signIn(page, demoAccounts.merchant, demoPassword);
    await page.waitForURL(`${app.baseUrl}/merchant`);
    // The console opens on the dashboard; the product list is under 店铺概览.
    await page.getByRole('link', { name: '店铺概览', exact: true }).click();
    const row = page.locator('.product-row').filter({ has: page.getByRole('link', { name: netease, exact: true }) });

    await row.getByText('编辑', { exact: true }).click();
    const editor = row.getByRole('form', { name: `编辑「${netease}」` });
    await editor.getByLabel('价格（元）').fill('26.80');
    await editor.getByRole('button', { name: '保存修改' }).click();
    await editor.getByText('已保存。改价只影响之后的订单。').waitFor();

    await row.getByText('商品图片', { exact: true }).click();
    const picture = await sharp({ create: { width: 1200, height: 900, channels: 3, background: { r: 30, g: 110, b: 200 } } }).png().toBuffer();
    await row.getByLabel('选择图片').setInputFiles({ name: 'netease.png', mimeType: 'image/png', buffer: picture });
    await row.getByRole('button', { name: '上传图片' }).click();
    await row.getByText('图片已上传。').waitFor();
    await row.getByRole('img', { name: '第 1 张图片' }).waitFor();

    const phoneRow = page.locator('.product-row').filter({ has: page.getByRole('link', { name: phone, exact: true }) });
    await phoneRow.getByRole('button', { name: `下架：${phone}` }).click();
    await phoneRow.getByText('已下架：买家看不到也不能购买，已有订单不受影响。').waitFor();
    await phoneRow.getByText('未上架').waitFor();
    await checkScreen(page, shot, 'repriced-and-unlisted');

    await page.setViewportSize({ width: 375, height: 812 });

    await page.goto(app.baseUrl + '/');
    await page.getByRole('link', { name: netease, exact: true }).waitFor();
    await expect(page.getByRole('link', { name: phone, exact: true }).count()).resolves.toBe(0);
    const card = page.locator('.product-card').filter({ has: page.getByRole('link', { name: netease, exact: true }) });
    await card.getByText('¥26.80').waitFor();
    const thumb = card.locator('.product-thumb img');
    await expect.poll(() => thumb.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(240);
    await card.getByRole('link', { name: netease, exact: true }).click();
    const large = page.getByRole('img', { name: `${netease}的商品图片` });
    await expect.poll(() => large.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(800);
    expect((await large.boundingBox())!.width).toBeGreaterThan(300); // the page's width on a phone, not a thumbnail
    await checkScreen(page, shot, 'storefront-after');
    await page.context().close();
  });

  it('an admin adds a category and renames it, and buyers see it in the navigation', async () => {
    const page = await app.newPage({ width: 1280, height: 900 });
    const shot = screenshots(page, 'admin-categories');
    await page.goto(app.baseUrl + '/');
    await signIn(page, demoAccounts.admin, demoPassword);
    await page.goto(app.baseUrl + '/admin/categories');
    const add = page.getByRole('form', { name: '新增分类' });
    await add.getByLabel('名称', { exact: true }).fill('礼品卡');
    await add.getByLabel('英文名称（选填）').fill('Gift vouchers');
    await add.getByRole('button', { name: '添加分类' }).click();
    await add.getByText('已添加分类：礼品卡').waitFor();
    await page.getByText('礼品卡 · Gift vouchers').click();
    const edit = page.getByRole('form', { name: '修改「礼品卡」' });
    await edit.getByLabel('名称', { exact: true }).fill('电子礼品卡');
    await edit.getByRole('button', { name: '保存' }).click();
    await page.getByText('电子礼品卡 · Gift vouchers').waitFor();
    await shot('categories');
    expect(await auditPage(page)).toEqual([]);
    await page.goto(app.baseUrl + '/');
    await page.getByRole('navigation', { name: '商品分类' }).getByRole('link', { name: '电子礼品卡' }).waitFor();
    await page.context().close();
  });
});
