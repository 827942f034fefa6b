import { Type } from 'typebox';
import { importKeys, keysPerImportMax } from '../../catalog/card-keys';
import { createProduct, getProduct, listShopProducts, productDescriptionLengthMax, productPriceMax, productTitleLengthMax, stockLimitedMax } from '../../catalog/products';
import { listProducts, productSorts } from '../../catalog/list-products';
import { categoryRoutes, productImageRoutes } from './catalog-extras';
import { updateProduct } from '../../catalog/update-product';
import { createShop, listMyShops, setShopSuspended, shopBalance, suspensionReasonLengthMax } from '../../catalog/shops';
import type { Ctx } from '../../context';
import { payDeposit, withdraw } from '../../payments/payments';
import type { App } from '../app-type';
import { actorOf, adminOnly, everyone, langOf, shopSide, staffOrAdmin, userOf } from '../access';
import { IdParams, Money, Paging, idempotencyHeader } from '../schemas';

const ProductType = Type.Union([Type.Literal('card_key'), Type.Literal('topup'), Type.Literal('manual')]);
const NoReasonRefund = Type.Object({
  allowed: Type.Boolean(),
  feeRate: Type.Optional(Type.Number({ minimum: 0, maximum: 10_000, description: 'basis points (500 = 5%); a fraction below 1 such as 0.05 is also read as a share' })),
});
const Minutes = Type.Integer({ minimum: 1, maximum: 100_000 });
const CategoryId = Type.Union([Type.String({ format: 'uuid' }), Type.Null()], { description: 'a category from GET /api/categories; null for none' });

export function catalogRoutes(app: App, ctx: Ctx): void {
  app.post('/api/shops', { config: { access: ['merchant'] }, 
    schema: { tags: ['shops'], summary: 'Open a shop (merchant)', body: Type.Object({ name: Type.String({ minLength: 1, maxLength: 60 }) }) },
  }, async (request, reply) => reply.status(201).send(await createShop(ctx, userOf(request), request.body)));

  app.get('/api/shops/mine', { config: { access: ['merchant'] }, schema: { tags: ['shops'], summary: "The merchant's shops" } }, async (request) => ({ items: await listMyShops(ctx, userOf(request)) }));

  app.post('/api/shops/:id/deposit', { config: { access: ['merchant'] }, 
    schema: { tags: ['shops'], summary: 'Pay the shop deposit (保证金) through a payment', params: IdParams, body: Type.Object({ amount: Money, channel: Type.String({ minLength: 1, maxLength: 32 }) }) },
  }, async (request, reply) => reply.status(201).send({ payment: await payDeposit(ctx, userOf(request), request.params.id, request.body) }));

  app.post('/api/shops/:id/withdrawals', { config: { access: ['merchant'] }, 
    schema: { tags: ['shops'], summary: 'Withdraw settled money (sandbox pays at once)', params: IdParams, headers: idempotencyHeader, body: Type.Object({ amount: Money }) },
  }, async (request, reply) => reply.status(201).send(await withdraw(ctx, userOf(request), request.params.id, request.body, request.headers['idempotency-key'])));

  app.get('/api/shops/:id/balance', { config: { access: [...shopSide, ...staffOrAdmin] }, 
    schema: { tags: ['shops'], summary: 'Available, deposit, receivable and escrow balances (fen)', params: IdParams },
  }, async (request) => shopBalance(ctx, actorOf(request), request.params.id));

  app.get('/api/shops/:id/products', { config: { access: [...shopSide, ...staffOrAdmin] }, 
    schema: { tags: ['shops'], summary: "A shop's products, listed or not (owner, staff)", params: IdParams },
  }, async (request) => ({ items: await listShopProducts(ctx, actorOf(request), request.params.id, langOf(request)) }));

  app.post('/api/admin/shops/:id/suspension', { config: { access: adminOnly }, 
    schema: {
      operationId: 'setShopSuspension', tags: ['admin'], summary: 'Suspend or reinstate a shop, with the reason kept in its suspension history and sent to the owner', params: IdParams,
      body: Type.Object({ suspended: Type.Boolean(), reason: Type.Optional(Type.String({ maxLength: suspensionReasonLengthMax })) }),
    },
  }, async (request) => setShopSuspended(ctx, userOf(request), request.params.id, request.body));

  app.post('/api/products', { config: { access: shopSide }, 
    schema: {
      tags: ['products'], summary: 'List a product in your shop',
      body: Type.Object({
        shopId: Type.String({ format: 'uuid' }),
        title: Type.String({ minLength: 1, maxLength: productTitleLengthMax }),
        description: Type.Optional(Type.String({ maxLength: productDescriptionLengthMax })),
        type: ProductType,
        price: Type.Integer({ minimum: 1, maximum: productPriceMax, description: 'integer fen' }),
        stockPolicy: Type.Optional(Type.Union([Type.Literal('unlimited'), Type.Literal('limited')], { description: 'for top-up and manual goods; card keys count their imported keys' })),
        stock: Type.Optional(Type.Integer({ minimum: 0, maximum: stockLimitedMax })),
        afterSalesWindowMinutes: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000 })),
        promisedDeliveryMinutes: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000 })),
        noReasonRefund: Type.Optional(NoReasonRefund),
        categoryId: Type.Optional(CategoryId),
        keyChecker: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 40, description: 'upstream key checker for card keys (第三方佐证); "sandbox" in sandbox mode' }), Type.Null()])),
      }),
    },
  }, async (request, reply) => reply.status(201).send(await createProduct(ctx, actorOf(request), request.body, langOf(request))));

  app.get('/api/products', { config: { access: everyone }, 
    schema: { tags: ['products'], summary: 'The public catalog with stock, refund policy and merchant trust', querystring: Type.Object({
        shopId: Type.Optional(Type.String({ format: 'uuid' })), type: Type.Optional(ProductType),
        categoryId: Type.Optional(Type.String({ format: 'uuid', description: 'this category and its children' })),
        q: Type.Optional(Type.String({ maxLength: 100, description: 'title, its pinyin ("dianka") or initials ("dk")' })),
        sort: Type.Optional(Type.Union(productSorts.map((sort) => Type.Literal(sort)), { description: 'newest (default), price_asc, price_desc, sales; sold-out products come after those in stock' })),
        ...Paging,
      }) },
  }, async (request) => listProducts(ctx, request.query, langOf(request)));

  app.get('/api/products/:id', { config: { access: everyone }, 
    schema: { tags: ['products'], summary: 'One product with stock and its refund policy in plain words', params: IdParams },
  }, async (request) => getProduct(ctx, request.caller, request.params.id, langOf(request)));

  app.patch('/api/products/:id', { config: { access: shopSide },
    schema: {
      operationId: 'updateProduct', tags: ['products'], summary: 'Edit, reprice, list or unlist a product (existing orders keep their price)', params: IdParams,
      body: Type.Object({
        title: Type.Optional(Type.String({ minLength: 1, maxLength: productTitleLengthMax })),
        description: Type.Optional(Type.String({ maxLength: productDescriptionLengthMax })),
        price: Type.Optional(Type.Integer({ minimum: 1, maximum: productPriceMax, description: 'integer fen' })),
        listed: Type.Optional(Type.Boolean({ description: 'false takes it off sale: out of the catalogue and checkout' })),
        categoryId: Type.Optional(CategoryId),
        afterSalesWindowMinutes: Type.Optional(Type.Union([Minutes, Type.Null()], { description: 'null for the platform default' })),
        promisedDeliveryMinutes: Type.Optional(Minutes),
        noReasonRefund: Type.Optional(NoReasonRefund),
      }, { additionalProperties: false }),
    },
  }, async (request) => updateProduct(ctx, actorOf(request), request.params.id, request.body, langOf(request)));

  categoryRoutes(app, ctx);
  productImageRoutes(app, ctx);

  app.post('/api/products/:id/keys', { config: { access: shopSide }, 
    schema: {
      tags: ['products'], summary: `Import card keys: a JSON array, or one text with a key per line (≤ ${keysPerImportMax})`, params: IdParams,
      // The string form comes first: with coerceTypes 'array', a string would otherwise be wrapped as a one-key array.
      body: Type.Object({ keys: Type.Union([Type.String({ maxLength: 4_000_000 }), Type.Array(Type.String({ maxLength: 2048 }), { maxItems: keysPerImportMax * 2 })]) }),
    },
    bodyLimit: 5 * 1024 * 1024 }, async (request) => importKeys(ctx, actorOf(request), request.params.id, request.body.keys));
}
