import { Type } from 'typebox';
import { adminShopDetail } from '../../admin/shop-detail';
import { adminShopQueryLengthMax, listAdminShops } from '../../admin/shops';
import type { Ctx } from '../../context';
import type { App } from '../app-type';
import { adminOnly, userOf } from '../access';
import { IdParams, Paging } from '../schemas';

const Nullable = <T extends ReturnType<typeof Type.String>>(schema: T) => Type.Union([schema, Type.Null()]);
const ShopStatus = Type.Union([Type.Literal('pending_deposit'), Type.Literal('active'), Type.Literal('suspended')]);

const AdminShopItem = Type.Object({
  id: Type.String(), name: Type.String(), status: ShopStatus, createdAt: Type.String({ format: 'date-time' }),
  ownerId: Type.String(), ownerEmail: Type.String(), ownerName: Type.String(), ownerStatus: Type.Union([Type.Literal('active'), Type.Literal('disabled')]),
  identityStatus: Type.Union([Type.Literal('none'), Type.Literal('pending'), Type.Literal('approved'), Type.Literal('rejected')]),
  verified: Type.Boolean(),
  depositBalance: Type.Integer({ description: 'fen' }), availableBalance: Type.Integer({ description: 'fen' }),
  receivable: Type.Integer({ description: 'fen the shop owes the compensation fund' }),
  creditScore: Type.Integer({ minimum: 0, maximum: 100 }),
  refundRate: Type.Number({ description: 'merchant-fault refunded share of paid orders over 30 days, 0–1' }),
  demoted: Type.Boolean(), rating: Type.Union([Type.Number(), Type.Null()]), ratingCount: Type.Integer(),
  openCases: Type.Integer(), suspensionReason: Nullable(Type.String()),
});

export function adminShopRoutes(app: App, ctx: Ctx): void {
  app.get('/api/admin/shops', {
    config: { access: adminOnly },
    schema: {
      operationId: 'listAdminShops', tags: ['admin'],
      summary: 'Shops: search by shop name or owner e-mail, filter by status; each with deposit, balance, credit, refund rate, rating, identity and open cases',
      querystring: Type.Object({ status: Type.Optional(ShopStatus), q: Type.Optional(Type.String({ maxLength: adminShopQueryLengthMax })), ...Paging }),
      response: { 200: Type.Object({ items: Type.Array(AdminShopItem), total: Type.Integer(), limit: Type.Integer(), offset: Type.Integer() }) },
    },
  }, async (request) => listAdminShops(ctx, userOf(request), request.query));

  app.get('/api/admin/shops/:id', {
    config: { access: adminOnly },
    schema: {
      operationId: 'getAdminShop', tags: ['admin'],
      summary: "One shop for the admin: balances, credit explained, identity, products, recent cases, deposit movements, suspension history",
      params: IdParams,
    },
  }, async (request) => adminShopDetail(ctx, userOf(request), request.params.id));
}
