import { Type } from 'typebox';
import { dashboardDaysMax, shopDashboard } from '../../catalog/dashboard';
import type { Ctx } from '../../context';
import { createCoupon, disableCoupon, listCoupons } from '../../coupons/coupons';
import { quoteCoupon } from '../../coupons/quote';
import {
  couponAmountOffMaxFen, couponMinAmountMaxFen, couponPercentOffMax, couponUsesMax,
} from '../../coupons/terms';
import type { App } from '../app-type';
import { actorOf, userOf } from '../access';
import { IdParams, Uuid } from '../schemas';

const Nullable = <T extends ReturnType<typeof Type.Integer> | ReturnType<typeof Type.String>>(schema: T) => Type.Union([schema, Type.Null()]);

const Coupon = Type.Object({
  id: Uuid, shopId: Uuid, code: Type.String(), amountOff: Nullable(Type.Integer()), percentOff: Nullable(Type.Integer()),
  minAmount: Type.Integer(), maxUses: Nullable(Type.Integer()), uses: Type.Integer({ description: 'orders holding the coupon: paid, or unpaid and not yet cancelled or expired' }),
  expiresAt: Nullable(Type.String({ format: 'date-time' })), status: Type.Union([Type.Literal('active'), Type.Literal('disabled')]),
  createdAt: Type.String({ format: 'date-time' }), disabledAt: Nullable(Type.String({ format: 'date-time' })),
});
const CouponParams = Type.Object({ id: Uuid, couponId: Uuid });

const Rate = Type.Union([Type.Number(), Type.Null()]);
const Dashboard = Type.Object({
  shopId: Uuid, days: Type.Integer(), from: Type.String(), to: Type.String(), timeZone: Type.String(),
  totals: Type.Object({ gmv: Type.Integer(), orders: Type.Integer(), refunded: Type.Integer(), merchantFaultRefunded: Type.Integer(), faultRefundRate: Rate }),
  items: Type.Array(Type.Object({
    day: Type.String(), gmv: Type.Integer(), orders: Type.Integer(), refunded: Type.Integer(), merchantFaultRefunded: Type.Integer(), faultRefundRate: Rate,
  })),
  stockAlertThreshold: Type.Integer(),
  stockAlerts: Type.Array(Type.Object({ productId: Uuid, title: Type.String(), stockPolicy: Type.Union([Type.Literal('keys'), Type.Literal('limited')]), available: Type.Integer() })),
  casesWaiting: Type.Integer(),
});

/** Shop coupons (the owner's session) and the merchant dashboard (owner, staff, admin). */
export function merchantRoutes(app: App, ctx: Ctx): void {
  app.post('/api/shops/:id/coupons', {
    config: { access: ['merchant'] },
    schema: {
      operationId: 'createCoupon', tags: ['shops'],
      summary: '优惠券: exactly one of amountOff (fen) or percentOff; the code is unique in the shop whatever its case. The shop bears the discount',
      params: IdParams,
      body: Type.Object({
        code: Type.String({ minLength: 3, maxLength: 32, pattern: '^[A-Za-z0-9_-]+$' }),
        amountOff: Type.Optional(Type.Integer({ minimum: 1, maximum: couponAmountOffMaxFen, description: 'integer fen (分)' })),
        percentOff: Type.Optional(Type.Integer({ minimum: 1, maximum: couponPercentOffMax })),
        minAmount: Type.Optional(Type.Integer({ minimum: 0, maximum: couponMinAmountMaxFen, description: 'the order amount (fen) from which the coupon applies' })),
        maxUses: Type.Optional(Type.Integer({ minimum: 1, maximum: couponUsesMax })),
        expiresAt: Type.Optional(Type.String({ format: 'date-time' })),
      }),
      response: { 201: Coupon },
    },
  }, async (request, reply) => reply.status(201).send(await createCoupon(ctx, userOf(request), request.params.id, request.body)));

  app.get('/api/shops/:id/coupons', {
    config: { access: ['merchant'] },
    schema: { operationId: 'listCoupons', tags: ['shops'], summary: "The shop's coupons, newest first, with their uses", params: IdParams, response: { 200: Type.Object({ items: Type.Array(Coupon) }) } },
  }, async (request) => listCoupons(ctx, userOf(request), request.params.id));

  app.post('/api/shops/:id/coupons/:couponId/disable', {
    config: { access: ['merchant'] },
    schema: {
      operationId: 'disableCoupon', tags: ['shops'], summary: 'Withdraw a coupon: no new order can use it; orders holding it keep their discount',
      params: CouponParams, response: { 200: Coupon },
    },
  }, async (request) => disableCoupon(ctx, userOf(request), request.params.id, request.params.couponId));

  app.post('/api/coupons/quote', {
    config: { access: ['anonymous', 'guest', 'buyer'] },
    schema: {
      operationId: 'quoteCoupon', tags: ['orders'],
      summary: 'What an order of the product would cost with couponCode (the refusals checkout gives, citing order.coupons); takes no use',
      body: Type.Object({
        productId: Uuid, quantity: Type.Integer({ minimum: 1, maximum: 1000 }), couponCode: Type.String({ minLength: 1, maxLength: 64 }),
      }),
      response: { 200: Type.Object({ code: Type.String(), originalAmount: Type.Integer(), discount: Type.Integer(), amount: Type.Integer() }) },
    },
  }, async (request) => quoteCoupon(ctx, request.body));

  app.get('/api/shops/:id/dashboard', {
    config: { access: ['merchant', 'staff', 'admin'] },
    schema: {
      operationId: 'shopDashboard', tags: ['shops'],
      summary: '商家看板: daily sales (GMV paid, orders) and merchant-fault refund rate per Asia/Shanghai day, stock alerts under merchant.stock-alert-threshold, cases waiting for the merchant',
      params: IdParams, querystring: Type.Object({ days: Type.Optional(Type.Integer({ minimum: 1, maximum: dashboardDaysMax })) }),
      response: { 200: Dashboard },
    },
  }, async (request) => shopDashboard(ctx, actorOf(request), request.params.id, request.query.days ?? 30));
}
