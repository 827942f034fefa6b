import { randomUUID } from 'node:crypto';
import { crc32, deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { productImageSizeBytesMax } from '../../src/catalog/product-images';
import { decodablePng } from '../support/aftersales';
import type { Session } from '../support/api';
import { useTestApp } from '../support/harness';

const t = useTestApp();
let admin: Session;
beforeAll(async () => { admin = await t.api.user('admin'); });

const patch = (token: string, id: string, body: unknown) => t.api.call('PATCH', `/api/products/${id}`, { token, body });
const catalog = async (query: string) => (await t.api.ok('GET', `/api/products?${query}`)).items as Array<{ id: string; title: string; price: number; salesCount: number; stock: number | null }>;
const addCategory = async (name: string, extra: Record<string, unknown> = {}) => (await t.api.ok('POST', '/api/admin/categories', { token: admin.token, body: { name, ...extra } })).id as string;
const shopKey = async (shop: { merchant: Session; shopId: string }) => ({ token: (await t.api.ok('POST', `/api/shops/${shop.shopId}/api-keys`, { token: shop.merchant.token, body: { name: 'catalog test' } })).key as string });

describe('PATCH /api/products/:id', () => {
  it('the owner and the shop\'s own API key edit; another merchant and another shop\'s key get the 404 of a missing product', async () => {
    const shop = await t.api.makeShop();
    const other = await t.api.makeShop();
    const product = await t.api.makeProduct(shop, { keys: 1, price: 1_000 });
    const otherKey = await shopKey(other);
    const ownKey = await shopKey(shop);

    const byOther = await patch(other.merchant.token, product.id, { price: 1 });
    expect(byOther.status).toBe(404);
    expect((await patch(otherKey.token, product.id, { price: 1 })).status).toBe(404);
    expect((await patch(other.merchant.token, randomUUID(), { price: 1 })).status).toBe(404);
    const buyer = await t.api.user('buyer');
    expect((await patch(buyer.token, product.id, { price: 1 })).status).toBe(403);

    const byOwner = await patch(shop.merchant.token, product.id, { title: '  新标题 点卡  ', price: 1_500, description: '改过的说明' });
    expect(byOwner.status).toBe(200);
    expect(byOwner.body).toMatchObject({ id: product.id, title: '新标题 点卡', price: 1_500, description: '改过的说明', listed: true });
    const byKey = await patch(ownKey.token, product.id, { price: 1_600 });
    expect(byKey.status).toBe(200);
    expect((await t.api.ok('GET', `/api/products/${product.id}`)).price).toBe(1_600);
  });

  it('refuses bad input with a clear 4xx and changes nothing', async () => {
    const shop = await t.api.makeShop();
    const product = await t.api.makeProduct(shop, { keys: 1, price: 1_000 });
    const token = shop.merchant.token;
    const cases: Array<[unknown, number, string]> = [
      [{}, 400, 'VALIDATION_FAILED'],
      [{ title: '   ' }, 400, 'VALIDATION_FAILED'],
      [{ price: 0 }, 400, 'VALIDATION_FAILED'],
      [{ price: 1.5 }, 400, 'VALIDATION_FAILED'],
      [{ stock: 5 }, 400, 'VALIDATION_FAILED'],
      [{ promisedDeliveryMinutes: 30 }, 400, 'VALIDATION_FAILED'],
      [{ categoryId: randomUUID() }, 400, 'CATEGORY_NOT_FOUND'],
      [{ afterSalesWindowMinutes: 99_999 }, 422, 'AFTER_SALES_WINDOW_OUT_OF_RANGE'],
      [{ noReasonRefund: { allowed: true, feeRate: 9_000 } }, 422, 'NO_REASON_FEE_TOO_HIGH'],
    ];
    for (const [body, status, code] of cases) {
      const res = await patch(token, product.id, body);
      expect({ body, status: res.status, code: res.body.error?.code }).toEqual({ body, status, code });
      expect(res.body.error.message).toBeTruthy();
    }
    expect(await t.api.ok('GET', `/api/products/${product.id}`)).toMatchObject({ price: 1_000, listed: true, categoryId: null });
  });

  it('unlisting takes a product off the catalogue and out of checkout; orders placed before keep their price and complete', async () => {
    const shop = await t.api.makeShop();
    const product = await t.api.makeProduct(shop, { keys: 3, price: 1_000 });
    const buyer = await t.api.user('buyer');
    const earlier = await t.api.buy(buyer, product.id);

    expect((await patch(shop.merchant.token, product.id, { price: 2_500 })).body.price).toBe(2_500);
    const unlisted = await patch(shop.merchant.token, product.id, { listed: false });
    expect(unlisted.body.listed).toBe(false);
    expect((await catalog(`shopId=${shop.shopId}`)).map((p) => p.id)).toEqual([]);
    expect((await t.api.call('GET', `/api/products/${product.id}`)).status).toBe(404);
    expect((await t.api.call('GET', `/api/products/${product.id}`, { token: shop.merchant.token })).status).toBe(200);
    const refused = await t.api.call('POST', '/api/orders', { token: buyer.token, headers: { 'idempotency-key': randomUUID() }, body: { productId: product.id, quantity: 1, channel: 'sandbox' } });
    expect(refused.status).toBe(404);

    await t.api.pay(earlier.payment.id);
    const order = await t.api.ok('GET', `/api/orders/${earlier.order.id}`, { token: buyer.token });
    expect(order).toMatchObject({ status: 'delivered', amount: 1_000, paid: 1_000 });

    expect((await patch(shop.merchant.token, product.id, { listed: true })).body.listed).toBe(true);
    const again = await t.api.buy(buyer, product.id);
    expect(again.order.amount).toBe(2_500);
  });

  it('putting a product back on sale needs an approved identity when the rule asks for one', async () => {
    const shop = await t.api.makeShop();
    const product = await t.api.makeProduct(shop, { keys: 1 });
    await patch(shop.merchant.token, product.id, { listed: false });
    const publish = (values: Record<string, unknown>) => t.api.ok('POST', '/api/admin/rules', { token: admin.token, body: { values, note: 'catalog test' } });
    await publish({ 'trust.identity-required-to-list': true });
    try {
      const relist = await patch(shop.merchant.token, product.id, { listed: true });
      expect(relist.status).toBe(422);
      expect(relist.body.error).toMatchObject({ code: 'SHOP_IDENTITY_REQUIRED', rule: 'trust.identity-required-to-list' });
      expect((await patch(shop.merchant.token, product.id, { price: 900 })).status).toBe(200); // editing an unlisted product is not listing it
    } finally {
      await publish({ 'trust.identity-required-to-list': false });
    }
  });
});

describe('categories', () => {
  it('lists names in the reader\'s language and filters the catalogue by a category and its children', async () => {
    const games = await addCategory(`游戏点卡 ${randomUUID().slice(0, 4)}`, { nameEn: 'Game cards' });
    const steam = await addCategory(`Steam ${randomUUID().slice(0, 4)}`, { parentId: games });
    const video = await addCategory(`视频会员 ${randomUUID().slice(0, 4)}`);
    const grandchild = await t.api.call('POST', '/api/admin/categories', { token: admin.token, body: { name: 'too deep', parentId: steam } });
    expect(grandchild.status).toBe(400);
    const duplicate = await t.api.call('POST', '/api/admin/categories', { token: admin.token, body: { name: (await t.api.ok('GET', '/api/categories')).items.find((c: { id: string }) => c.id === video).name } });
    expect(duplicate.body.error.code).toBe('CATEGORY_NAME_TAKEN');

    const english = await t.api.ok('GET', '/api/categories', { headers: { 'accept-language': 'en' } });
    expect(english.items.find((c: { id: string }) => c.id === games)).toMatchObject({ name: 'Game cards', parentId: null });
    expect(english.items.find((c: { id: string }) => c.id === steam)).toMatchObject({ parentId: games });

    const shop = await t.api.makeShop();
    const onParent = await t.api.makeProduct(shop, { type: 'topup', categoryId: games });
    const onChild = await t.api.makeProduct(shop, { type: 'topup' });
    const onVideo = await t.api.makeProduct(shop, { type: 'topup', categoryId: video });
    expect((await patch(shop.merchant.token, onChild.id, { categoryId: steam })).body.categoryId).toBe(steam);

    expect((await catalog(`categoryId=${games}`)).map((p) => p.id).sort()).toEqual([onParent.id, onChild.id].sort());
    expect((await catalog(`categoryId=${steam}`)).map((p) => p.id)).toEqual([onChild.id]);
    expect((await catalog(`categoryId=${video}`)).map((p) => p.id)).toEqual([onVideo.id]);
    expect(await catalog(`categoryId=${randomUUID()}`)).toEqual([]);

    const renamed = await t.api.ok('PATCH', `/api/admin/categories/${video}`, { token: admin.token, body: { name: '影视会员', nameEn: 'Streaming' } });
    expect(renamed).toMatchObject({ id: video, name: '影视会员', nameEn: 'Streaming' });
    expect((await patch(shop.merchant.token, onVideo.id, { categoryId: null })).body.categoryId).toBeNull();
  });
});

describe('listing: sort, sales and search', () => {
  it('sorts by price and by units sold, newest by default, with sold-out products after those in stock', async () => {
    const shop = await t.api.makeShop();
    const cheap = await t.api.makeProduct(shop, { keys: 5, price: 500 });
    const dear = await t.api.makeProduct(shop, { keys: 5, price: 3_000 });
    const middle = await t.api.makeProduct(shop, { keys: 5, price: 1_200 });
    const noKeys = await t.api.makeProduct(shop, { price: 100 }); // a card-key product before its keys are imported
    const buyer = await t.api.user('buyer');
    await t.api.buyAndPay(buyer, dear.id, { quantity: 2 });
    await t.api.buyAndPay(buyer, middle.id);
    await t.api.buy(buyer, cheap.id); // unpaid: not a sale

    const ids = async (sort: string) => (await catalog(`shopId=${shop.shopId}&sort=${sort}`)).map((p) => p.id);
    expect(await ids('price_asc')).toEqual([cheap.id, middle.id, dear.id, noKeys.id]);
    expect(await ids('price_desc')).toEqual([dear.id, middle.id, cheap.id, noKeys.id]);
    expect(await ids('sales')).toEqual([dear.id, middle.id, cheap.id, noKeys.id]);
    expect(await ids('newest')).toEqual([middle.id, dear.id, cheap.id, noKeys.id]);
    const items = await catalog(`shopId=${shop.shopId}&sort=sales`);
    expect(items.map((p) => p.salesCount)).toEqual([2, 1, 0, 0]);
    expect(items.at(-1)!.stock).toBe(0);
    expect((await t.api.call('GET', '/api/products?sort=cheapest')).status).toBe(400);

    await t.api.ok('POST', `/api/products/${noKeys.id}/keys`, { token: shop.merchant.token, body: { keys: ['K-1'] } });
    expect((await ids('price_asc'))[0]).toBe(noKeys.id);
  });

  it('finds a title by its characters, its full pinyin and its initials', async () => {
    const shop = await t.api.makeShop();
    const tag = randomUUID().slice(0, 6);
    const card = await t.api.makeProduct(shop, { type: 'topup', title: `网易一卡通 点卡 ${tag}` });
    const other = await t.api.makeProduct(shop, { type: 'topup', title: `爱奇艺会员 ${tag}` });
    const found = async (q: string) => (await catalog(`shopId=${shop.shopId}&q=${encodeURIComponent(q)}`)).map((p) => p.id);
    expect(await found('点卡')).toEqual([card.id]);
    expect(await found('dianka')).toEqual([card.id]);
    expect(await found('Dian Ka')).toEqual([card.id]);
    expect(await found('wyykt')).toEqual([card.id]);
    expect(await found('aiqiyi')).toEqual([other.id]);
    expect(await found('xyzzy')).toEqual([]);
    expect(await found('%')).toEqual([]);
    // A new title is searchable at once.
    await patch(shop.merchant.token, other.id, { title: `腾讯视频 点卡 ${tag}` });
    expect((await found('dianka')).sort()).toEqual([card.id, other.id].sort());
  });
});

describe('product images', () => {
  it('stores PNG and JPEG as WebP in two sizes, serves them with cache headers, and removes them', async () => {
    const shop = await t.api.makeShop();
    const product = await t.api.makeProduct(shop, { keys: 1 });
    const photo = await sharp({ create: { width: 1600, height: 900, channels: 3, background: { r: 200, g: 40, b: 40 } } }).jpeg().toBuffer();
    const png = await t.api.uploadProductImage(shop.merchant, product.id, decodablePng);
    expect(png.status).toBe(201);
    const jpeg = await t.api.uploadProductImage(shop.merchant, product.id, photo, 'photo.jpg', 'image/jpeg');
    expect(jpeg.status).toBe(201);
    expect(jpeg.body).toMatchObject({ width: 800, height: 450 });

    const view = await t.api.ok('GET', `/api/products/${product.id}`);
    expect(view.images.map((i: { id: string }) => i.id)).toEqual([png.body.id, jpeg.body.id]);
    const large = await t.kameng.server.inject({ method: 'GET', url: view.images[1].url });
    expect(large.statusCode).toBe(200);
    expect(large.headers['content-type']).toBe('image/webp');
    expect(large.headers['cache-control']).toContain('immutable');
    expect((await sharp(large.rawPayload).metadata()).width).toBe(800);
    const thumb = await t.kameng.server.inject({ method: 'GET', url: view.images[1].thumbUrl });
    expect((await sharp(thumb.rawPayload).metadata()).width).toBe(240);
    const again = await t.kameng.server.inject({ method: 'GET', url: view.images[1].thumbUrl, headers: { 'if-none-match': String(thumb.headers.etag) } });
    expect(again.statusCode).toBe(304);

    const other = await t.api.makeShop();
    expect((await t.api.call('DELETE', `/api/products/${product.id}/images/${png.body.id}`, { token: other.merchant.token })).status).toBe(404);
    expect((await t.api.call('DELETE', `/api/products/${product.id}/images/${png.body.id}`, { token: shop.merchant.token })).status).toBe(204);
    expect((await t.kameng.server.inject({ method: 'GET', url: view.images[0].url })).statusCode).toBe(404);
    expect((await t.api.ok('GET', `/api/products/${product.id}`)).images).toHaveLength(1);

    await patch(shop.merchant.token, product.id, { listed: false });
    expect((await t.kameng.server.inject({ method: 'GET', url: view.images[1].url })).statusCode).toBe(404);
    const owner = await t.api.call('GET', view.images[1].url, { token: shop.merchant.token });
    expect(owner.status).toBe(200);
  });

  it('refuses what is not an image, oversized files and decompression bombs with a clear 4xx', async () => {
    const shop = await t.api.makeShop();
    const product = await t.api.makeProduct(shop, { keys: 1 });
    const text = await t.api.uploadProductImage(shop.merchant, product.id, Buffer.from('just some text, not a picture\n'), 'fake.png');
    expect(text.status).toBe(400);
    expect(text.body.error.code).toBe('PRODUCT_IMAGE_TYPE_NOT_ALLOWED');
    const pdf = await t.api.uploadProductImage(shop.merchant, product.id, Buffer.from('%PDF-1.4\n%âãÏÓ\n1 0 obj\n<<>>\nendobj\n'), 'doc.png');
    expect(pdf.status).toBe(400);

    const tooLarge = await t.api.uploadProductImage(shop.merchant, product.id, Buffer.concat([decodablePng, Buffer.alloc(productImageSizeBytesMax + 1)]));
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.body.error.code).toBe('PRODUCT_IMAGE_TOO_LARGE');

    // A PNG header claiming 20,000 × 20,000 pixels (1.6 GB decoded) over a few bytes of data.
    const bomb = pngClaiming(20_000, 20_000);
    expect(bomb.length).toBeLessThan(100);
    const refused = await t.api.uploadProductImage(shop.merchant, product.id, bomb);
    expect(refused.status).toBe(400);
    expect(refused.body.error.code).toBe('PRODUCT_IMAGE_DIMENSIONS_TOO_LARGE');

    const cut = await t.api.uploadProductImage(shop.merchant, product.id, decodablePng.subarray(0, 60));
    expect(cut.status).toBe(400);
    expect((await t.api.ok('GET', `/api/products/${product.id}`)).images).toEqual([]);
  });
});

/** A PNG whose header claims width × height pixels (8-bit grey) with a token image stream after it. */
function pngClaiming(width: number, height: number): Buffer {
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
  header.writeUInt8(8, 8); // bit depth; colour type 0 (grey), compression, filter, interlace 0
  return Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), chunk('IHDR', header), chunk('IDAT', deflateSync(Buffer.alloc(16))), chunk('IEND', Buffer.alloc(0))]);
}
