import { Type } from 'typebox';
import type { Ctx } from '../../context';
import { statedLang } from '../../i18n/lang';
import { orderIn } from '../../orders/views';
import { cancelOrder } from '../../orders/cancel-order';
import { createOrder, paymentChannels } from '../../orders/create-order';
import { deliverManually, manualContentLengthMax, revealKeys } from '../../orders/deliver';
import { getOrder, getTimeline, listOrders, lookupGuestOrder, orderListGroups } from '../../orders/queries';
import { confirmReceipt } from '../../orders/settle';
import { getPayment, topUpWallet } from '../../payments/payments';
import type { App } from '../app-type';
import { actorOf, everyone, langOf, orderBuyer, orderParties, shopSide, staffOrAdmin, userOf } from '../access';
import { clientIp } from '../auth';
import { IdParams, Money, Paging, Uuid, idempotencyHeader } from '../schemas';

const OrderStatus = Type.Union(['pending_payment', 'paid', 'delivering', 'delivered', 'completed', 'cancelled', 'refunded', 'partially_refunded', ...orderListGroups].map((s) => Type.Literal(s)), {
  description: 'an order status, or a buyer tab: `to_deliver` (paid or delivering), `aftersales` (an open case, refunded or partially refunded)',
});

export function orderRoutes(app: App, ctx: Ctx): void {
  app.post('/api/orders', { config: { access: ['anonymous', 'guest', 'buyer'] }, 
    schema: {
      tags: ['orders'], summary: 'Place an order (signed-in buyer, or guest with contact + query password); reserves stock', headers: idempotencyHeader,
      body: Type.Object({
        productId: Uuid,
        quantity: Type.Integer({ minimum: 1, maximum: 1000 }),
        channel: Type.Union(paymentChannels.map((c) => Type.Literal(c))),
        topupAccount: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
        couponCode: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
        guest: Type.Optional(Type.Object({ contact: Type.String({ minLength: 3, maxLength: 100 }), queryPassword: Type.String({ minLength: 6, maxLength: 64 }) })),
      }),
    },
  }, async (request, reply) => {
    const result = await createOrder(ctx, request.caller, request.body, { idempotencyKey: request.headers['idempotency-key'], ip: clientIp(request), lang: statedLang(request.headers['accept-language']) });
    return reply.status(201).send(result);
  });

  app.get('/api/orders', { config: { access: ['buyer', ...shopSide, ...staffOrAdmin] }, 
    schema: { tags: ['orders'], summary: "A buyer's orders (with `counts` per tab), or a shop's orders with shopId", querystring: Type.Object({ shopId: Type.Optional(Uuid), status: Type.Optional(OrderStatus), ...Paging }) },
  }, async (request) => listOrders(ctx, actorOf(request), request.query));

  app.post('/api/orders/lookup', { config: { access: everyone }, 
    schema: { tags: ['orders'], summary: 'Guest order lookup by order number + query password (rate limited); returns a token scoped to that order', body: Type.Object({ orderNo: Type.String({ minLength: 1, maxLength: 40 }), queryPassword: Type.String({ minLength: 1, maxLength: 64 }) }) },
  }, async (request) => {
    const found = await lookupGuestOrder(ctx, request.body, clientIp(request));
    return { ...found, order: orderIn(langOf(request), found.order) };
  });

  app.get('/api/orders/:id', { config: { access: orderParties }, schema: { tags: ['orders'], summary: "An order (its buyer, the shop's owner, staff)", params: IdParams } },
    async (request) => orderIn(langOf(request), await getOrder(ctx, actorOf(request), request.params.id)));

  app.post('/api/orders/:id/keys/reveal', { config: { access: orderBuyer }, 
    schema: {
      tags: ['orders'], summary: '查看卡密: returns the codes; calling it is consent that revealed keys lose no-reason refunds (logged with time, IP, user agent)', params: IdParams,
      body: Type.Object({ itemIds: Type.Optional(Type.Array(Uuid, { maxItems: 1000 })), consent: Type.Optional(Type.Boolean()) }),
    },
  }, async (request) => revealKeys(ctx, actorOf(request), request.params.id, { itemIds: request.body.itemIds },
    { ip: clientIp(request), userAgent: request.headers['user-agent'] ?? '' }, langOf(request)));

  app.post('/api/orders/:id/deliver', { config: { access: shopSide }, 
    schema: { tags: ['orders'], summary: 'Deliver a manual order (shop owner)', params: IdParams, body: Type.Object({ content: Type.String({ minLength: 1, maxLength: manualContentLengthMax }) }) },
  }, async (request) => orderIn(langOf(request), await deliverManually(ctx, actorOf(request), request.params.id, request.body.content)));

  app.post('/api/orders/:id/cancel', { config: { access: orderBuyer }, schema: { tags: ['orders'], summary: '取消订单: the buyer cancels an unpaid order; its stock is released and its payment closed (409 once paid, cancelled or expired)', params: IdParams } },
    async (request) => cancelOrder(ctx, actorOf(request), request.params.id));

  app.post('/api/orders/:id/confirm', { config: { access: orderBuyer }, schema: { tags: ['orders'], summary: '确认收货: release escrow to the merchant now', params: IdParams } },
    async (request) => orderIn(langOf(request), await confirmReceipt(ctx, actorOf(request), request.params.id)));

  app.get('/api/orders/:id/timeline', { config: { access: orderParties }, schema: { tags: ['orders'], summary: 'The hash-chained event log of an order', params: IdParams } },
    async (request) => getTimeline(ctx, actorOf(request), request.params.id));

  app.get('/api/payments/:id', { config: { access: everyone }, schema: { tags: ['payments'], summary: 'A payment as the pay page shows it', params: IdParams } },
    async (request) => getPayment(ctx, request.params.id, langOf(request)));

  app.post('/api/wallet/topups', { config: { access: ['buyer'] }, 
    schema: { tags: ['payments'], summary: 'Add money to the wallet through a payment channel', body: Type.Object({ amount: Money, channel: Type.String({ minLength: 1, maxLength: 32 }) }) },
  }, async (request, reply) => reply.status(201).send({ payment: await topUpWallet(ctx, userOf(request), request.body) }));
}
