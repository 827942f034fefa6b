import { createHash, randomUUID } from 'node:crypto';
import { fileTypeFromBuffer } from 'file-type';
import type { Actor, Caller, Ctx } from '../context';
import { isStaff } from '../context';
import type { Db } from '../db/connect';
import { AppError, badRequest, conflict, notFound } from '../shared/errors';
import { EvidenceStoreUnavailableError } from '../storage/evidence-store';
import { loadProductForOwner } from './products';

export const productImageSizeBytesMax = 5 * 1024 * 1024;
/** Decoding allocates about 4 bytes a pixel; 40 MP (e.g. 8000 × 5000) is more than any product photo needs. */
export const productImagePixelsMax = 40_000_000;
export const productImagesPerProductMax = 8;
export const productImageLargePixels = 800;
export const productImageThumbPixels = 240;
export const productImageWebpQuality = 80;
/** Served images never change under their id: a year, immutable, for listed products. */
export const productImageCacheSeconds = 365 * 24 * 60 * 60;
const inputTypesAllowed = new Set(['image/png', 'image/jpeg', 'image/webp', 'image/gif']);

export type ProductImageSize = 'large' | 'thumb';

export interface ProductImageView {
  id: string;
  url: string;
  thumbUrl: string;
  width: number;
  height: number;
}

const imageUrl = (productId: string, imageId: string, size: ProductImageSize) => `/api/products/${productId}/images/${imageId}?size=${size}`;

/** Each product's images in their order, for the product views. */
export async function imagesOf(db: Db, productIds: string[]): Promise<Map<string, ProductImageView[]>> {
  const result = new Map<string, ProductImageView[]>();
  if (productIds.length === 0) return result;
  const rows = await db.selectFrom('product_images').select(['id', 'product_id', 'width', 'height'])
    .where('product_id', 'in', productIds).orderBy('position').orderBy('created_at').execute();
  for (const row of rows) {
    const list = result.get(row.product_id) ?? [];
    list.push({ id: row.id, url: imageUrl(row.product_id, row.id, 'large'), thumbUrl: imageUrl(row.product_id, row.id, 'thumb'), width: row.width, height: row.height });
    result.set(row.product_id, list);
  }
  return result;
}

export const productImageTooLarge = () =>
  new AppError('PRODUCT_IMAGE_TOO_LARGE', 413, `product images may be at most ${productImageSizeBytesMax} bytes`, { details: { bytesMax: productImageSizeBytesMax } });

/**
 * The type by content (never the name): PNG, JPEG, WebP or GIF. sharp refuses more pixels than
 * the limit from the header, before decoding, so a decompression bomb is a 400, not a full heap.
 */
async function resize(content: Buffer): Promise<{ large: Buffer; thumb: Buffer; width: number; height: number }> {
  const detected = await fileTypeFromBuffer(content);
  if (!detected || !inputTypesAllowed.has(detected.mime)) {
    throw badRequest('PRODUCT_IMAGE_TYPE_NOT_ALLOWED', 'only PNG, JPEG, WebP and GIF images are accepted (checked by content)', detected ? { detected: detected.mime } : undefined);
  }
  const options = { limitInputPixels: productImagePixelsMax, failOn: 'error' as const };
  // Loaded on the first upload, not at start: libvips is ≈20 MB of memory a server may never need.
  const sharp = (await import('sharp')).default;
  try {
    const metadata = await sharp(content, options).metadata();
    if (!metadata.width || !metadata.height) throw new Error('no dimensions');
    const render = (side: number) => sharp(content, options).rotate().resize({ width: side, height: side, fit: 'inside', withoutEnlargement: true })
      .webp({ quality: productImageWebpQuality }).toBuffer({ resolveWithObject: true });
    const [large, thumb] = [await render(productImageLargePixels), await render(productImageThumbPixels)];
    return { large: large.data, thumb: thumb.data, width: large.info.width, height: large.info.height };
  } catch (error) {
    if (/pixel limit/i.test((error as Error).message)) {
      throw badRequest('PRODUCT_IMAGE_DIMENSIONS_TOO_LARGE', `images may have at most ${productImagePixelsMax} pixels`, { pixelsMax: productImagePixelsMax });
    }
    throw badRequest('PRODUCT_IMAGE_UNREADABLE', 'the image cannot be read; it may be damaged or cut off');
  }
}

function storeFault(ctx: Ctx, error: unknown, what: string): AppError {
  ctx.log.error({ err: error }, `product image store: ${what}`);
  return new AppError('IMAGE_STORE_UNAVAILABLE', 503, 'image storage is unavailable; try again later');
}

async function putBlob(ctx: Ctx, content: Buffer): Promise<string> {
  const sha256 = createHash('sha256').update(content).digest('hex');
  await ctx.evidenceStore.put(sha256, content, 'image/webp').catch((error: unknown) => {
    if (error instanceof EvidenceStoreUnavailableError) throw storeFault(ctx, error, 'put failed');
    throw error;
  });
  return sha256;
}

/** Adds a picture to a product the actor owns: checked by content, resized to two WebP sizes, stored by sha256. */
export async function uploadProductImage(ctx: Ctx, actor: Actor, productId: string, content: Buffer): Promise<ProductImageView> {
  const product = await loadProductForOwner(ctx, actor, productId);
  if (content.length === 0) throw badRequest('PRODUCT_IMAGE_EMPTY', 'the file is empty');
  if (content.length > productImageSizeBytesMax) throw productImageTooLarge();
  const count = await ctx.db.selectFrom('product_images').select((eb) => eb.fn.countAll<number>().as('n')).where('product_id', '=', product.id).executeTakeFirstOrThrow();
  if (Number(count.n) >= productImagesPerProductMax) throw conflict('PRODUCT_IMAGES_FULL', `a product may have at most ${productImagesPerProductMax} images; remove one first`, { max: productImagesPerProductMax });
  const image = await resize(content);
  // The blobs first: a row never points at a file that was not stored.
  const [largeSha, thumbSha] = [await putBlob(ctx, image.large), await putBlob(ctx, image.thumb)];
  const row = await ctx.db.insertInto('product_images').values({
    id: randomUUID(), product_id: product.id, large_sha256: largeSha, thumb_sha256: thumbSha, width: image.width, height: image.height,
    position: Number(count.n), created_at: ctx.clock.now(),
  }).returningAll().executeTakeFirstOrThrow();
  return { id: row.id, url: imageUrl(product.id, row.id, 'large'), thumbUrl: imageUrl(product.id, row.id, 'thumb'), width: row.width, height: row.height };
}

/**
 * Removes a picture from the product. The blobs stay in the content-addressed store (it never
 * deletes: evidence shares it, and the same bytes may back another row).
 */
export async function deleteProductImage(ctx: Ctx, actor: Actor, productId: string, imageId: string): Promise<void> {
  const product = await loadProductForOwner(ctx, actor, productId);
  const deleted = await ctx.db.deleteFrom('product_images').where('id', '=', imageId).where('product_id', '=', product.id).executeTakeFirst();
  if (Number(deleted.numDeletedRows) !== 1) throw notFound('product_image');
}

/** An image of a product on sale is public; of one off sale, only its owner and staff see it. */
export async function readProductImage(
  ctx: Ctx, caller: Caller, productId: string, imageId: string, size: ProductImageSize,
): Promise<{ content: Buffer; etag: string; public: boolean }> {
  const row = await ctx.db.selectFrom('product_images').innerJoin('products', 'products.id', 'product_images.product_id')
    .innerJoin('shops', 'shops.id', 'products.shop_id')
    .select(['product_images.large_sha256', 'product_images.thumb_sha256', 'products.status', 'shops.status as shop_status', 'shops.owner_id', 'shops.id as shop_id'])
    .where('product_images.id', '=', imageId).where('product_images.product_id', '=', productId).executeTakeFirst();
  if (!row) throw notFound('product_image');
  const onSale = row.status === 'active' && row.shop_status === 'active';
  if (!onSale) {
    const mayView = (caller.kind === 'user' && (caller.userId === row.owner_id || isStaff(caller))) || (caller.kind === 'api_key' && caller.shopId === row.shop_id);
    if (!mayView) throw notFound('product_image');
  }
  const sha256 = size === 'thumb' ? row.thumb_sha256 : row.large_sha256;
  const content = await ctx.evidenceStore.get(sha256).catch((error: unknown) => {
    if (error instanceof EvidenceStoreUnavailableError) throw storeFault(ctx, error, 'get failed');
    throw error;
  });
  if (!content) throw storeFault(ctx, null, `blob ${sha256} missing`);
  return { content, etag: `"${sha256}"`, public: onSale };
}
