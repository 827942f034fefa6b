import { Type } from 'typebox';
import type { FastifyRequest } from 'fastify';
import { categoryNameLengthMax, createCategory, listCategories, updateCategory } from '../../catalog/categories';
import { deleteProductImage, productImageCacheSeconds, productImageSizeBytesMax, productImageTooLarge, readProductImage, uploadProductImage } from '../../catalog/product-images';
import type { Ctx } from '../../context';
import { langFromHeader } from '../../i18n/lang';
import { AppError, badRequest } from '../../shared/errors';
import type { App } from '../app-type';
import { actorOf, adminOnly, everyone, shopSide } from '../access';
import { IdParams, Uuid } from '../schemas';

const CategoryName = Type.String({ minLength: 1, maxLength: categoryNameLengthMax });
const CategoryItem = Type.Object({
  id: Type.String(), name: Type.String(), nameZh: Type.String(), nameEn: Type.Union([Type.String(), Type.Null()]),
  parentId: Type.Union([Type.String(), Type.Null()]), sort: Type.Integer(),
});
const ImageParams = Type.Object({ id: Uuid, imageId: Uuid });
const ImageView = Type.Object({ id: Type.String(), url: Type.String(), thumbUrl: Type.String(), width: Type.Integer(), height: Type.Integer() });

/** 商品分类: the public list, and the admin's add and rename. */
export function categoryRoutes(app: App, ctx: Ctx): void {
  app.get('/api/categories', { config: { access: everyone },
    schema: { operationId: 'listCategories', tags: ['products'], summary: 'Product categories, parents first, names in the reader\'s language', response: { 200: Type.Object({ items: Type.Array(CategoryItem) }) } },
  }, async (request) => ({ items: await listCategories(ctx, langFromHeader(request.headers['accept-language'])) }));

  app.post('/api/admin/categories', { config: { access: adminOnly },
    schema: {
      operationId: 'createCategory', tags: ['admin'], summary: 'Add a category (top-level, or under a top-level one)',
      body: Type.Object({ name: CategoryName, nameEn: Type.Optional(Type.Union([CategoryName, Type.Null()])), parentId: Type.Optional(Type.Union([Uuid, Type.Null()])), sort: Type.Optional(Type.Integer({ minimum: -10_000, maximum: 10_000 })) }),
      response: { 201: CategoryItem },
    },
  }, async (request, reply) => reply.status(201).send(await createCategory(ctx, actorOf(request), request.body, langFromHeader(request.headers['accept-language']))));

  app.patch('/api/admin/categories/:id', { config: { access: adminOnly },
    schema: {
      operationId: 'updateCategory', tags: ['admin'], summary: 'Rename or reorder a category', params: IdParams,
      body: Type.Object({ name: Type.Optional(CategoryName), nameEn: Type.Optional(Type.Union([CategoryName, Type.Null()])), sort: Type.Optional(Type.Integer({ minimum: -10_000, maximum: 10_000 })) }),
      response: { 200: CategoryItem },
    },
  }, async (request) => updateCategory(ctx, actorOf(request), request.params.id, request.body, langFromHeader(request.headers['accept-language'])));
}

/** Product pictures: upload (owner), serve (public while on sale) and remove. */
export function productImageRoutes(app: App, ctx: Ctx): void {
  app.post('/api/products/:id/images', { config: { access: shopSide },
    schema: {
      operationId: 'uploadProductImage', tags: ['products'], params: IdParams, consumes: ['multipart/form-data'],
      summary: `Add a picture (multipart field \`file\`; PNG, JPEG, WebP or GIF by content, ≤ ${productImageSizeBytesMax} bytes); stored as 800 px and 240 px WebP`,
      response: { 201: ImageView },
    },
  }, async (request, reply) => {
    const content = await readImageUpload(request);
    return reply.status(201).send(await uploadProductImage(ctx, actorOf(request), request.params.id, content));
  });

  app.get('/api/products/:id/images/:imageId', { config: { access: everyone },
    schema: {
      operationId: 'getProductImage', tags: ['products'], summary: 'A product picture as WebP (size=large, 800 px, or thumb, 240 px)', params: ImageParams,
      querystring: Type.Object({ size: Type.Optional(Type.Union([Type.Literal('large'), Type.Literal('thumb')])) }),
    },
  }, async (request, reply) => {
    const image = await readProductImage(ctx, request.caller, request.params.id, request.params.imageId, request.query.size ?? 'large');
    reply.header('etag', image.etag).header('x-content-type-options', 'nosniff')
      .header('cache-control', image.public ? `public, max-age=${productImageCacheSeconds}, immutable` : 'private, no-cache');
    if (request.headers['if-none-match'] === image.etag) return reply.status(304).send();
    return reply.type('image/webp').send(image.content);
  });

  app.delete('/api/products/:id/images/:imageId', { config: { access: shopSide },
    schema: { operationId: 'deleteProductImage', tags: ['products'], summary: 'Remove a picture from a product', params: ImageParams },
  }, async (request, reply) => {
    await deleteProductImage(ctx, actorOf(request), request.params.id, request.params.imageId);
    return reply.status(204).send();
  });
}

/** The file in the field `file`; a malformed, cut or oversized multipart body is the client's 4xx. */
async function readImageUpload(request: FastifyRequest): Promise<Buffer> {
  if (!request.isMultipart()) throw badRequest('MULTIPART_REQUIRED', 'send the file as multipart/form-data in the field `file`');
  const failed = (error: { code?: string; statusCode?: number; message?: string }): never => {
    if (error instanceof AppError) throw error;
    if (error.code === 'FST_REQ_FILE_TOO_LARGE') throw productImageTooLarge();
    if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) throw error;
    throw badRequest('MULTIPART_MALFORMED', `the multipart body could not be read (${error.message ?? 'malformed'})`);
  };
  const file = await request.file({ limits: { fileSize: productImageSizeBytesMax, files: 1 } }).catch(failed);
  if (!file || file.fieldname !== 'file') throw badRequest('FILE_REQUIRED', 'no file in the field `file`');
  const content = await file.toBuffer().catch(failed);
  if (file.file.truncated) throw productImageTooLarge();
  return content;
}
