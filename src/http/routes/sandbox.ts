import { Type } from 'typebox';
import { createUser, userView } from '../../accounts/users';
import type { Ctx } from '../../context';
import { handleTopupResult } from '../../fulfillment/topups';
import { succeedPayment } from '../../orders/pay-order';
import { outboxPageSizeMax, sandboxSmsOutbox } from '../../notify/outbound';
import { simulateChargeback, simulatePayment, simulatePayoutFailure, simulateRefundOutcome } from '../../payments/simulate';
import type { App } from '../app-type';
import { actorOf, everyone, userOf } from '../access';
import { IdParams } from '../schemas';

/** Only registered when KAMENG_SANDBOX=1: in production these paths are plain 404s. */
export function sandboxRoutes(app: App, ctx: Ctx): void {
  app.post('/api/sandbox/users', { config: { access: everyone }, 
    schema: {
      tags: ['sandbox'], summary: 'Create any kind of account (sandbox only)',
      body: Type.Object({ email: Type.String({ format: 'email', maxLength: 254 }), password: Type.String({ minLength: 8, maxLength: 128 }), role: Type.Union([Type.Literal('buyer'), Type.Literal('merchant'), Type.Literal('staff'), Type.Literal('admin')]), displayName: Type.Optional(Type.String({ minLength: 1, maxLength: 60 })) }),
    },
  }, async (request, reply) => reply.status(201).send({ user: userView(await createUser(ctx, request.body)) }));

  app.post('/api/sandbox/payments/:id/succeed', { config: { access: everyone }, 
    schema: {
      tags: ['sandbox'], params: IdParams,
      summary: "The payer pays (idempotent): the sandbox channel succeeds at once; alipay / wechat / unionpay / epay are paid at their simulated provider, which sends its signed notification to POST /api/payments/notify/:channel (notify: false loses it, for reconciliation)",
      body: Type.Object({ notify: Type.Optional(Type.Boolean()) }),
    },
  }, async (request) => simulatePayment(ctx, request.params.id, { notify: request.body.notify ?? true }, async (notification) => {
    const res = await app.inject({ method: notification.method, url: notification.url, headers: notification.headers, payload: notification.payload || undefined });
    return { status: res.statusCode, body: res.body };
  }));

  const deliver = async (notification: { method: 'GET' | 'POST'; url: string; headers: Record<string, string>; payload: string }) => {
    const res = await app.inject({ method: notification.method, url: notification.url, headers: notification.headers, payload: notification.payload || undefined });
    return { status: res.statusCode, body: res.body };
  };

  app.post('/api/sandbox/refunds/:id/outcome', { config: { access: everyone },
    schema: {
      operationId: 'sandboxRefundOutcome', tags: ['sandbox'], params: IdParams,
      summary: "The simulated provider's final word on a channel refund: failed (an accepted one fails now, one not asked yet is refused) or succeeded. WeChat and UnionPay send their signed refund notification to the notify route; Alipay answers the next refund query; a failed refund goes to the buyer's wallet",
      body: Type.Object({ outcome: Type.Union([Type.Literal('succeeded'), Type.Literal('failed')]) }),
    },
  }, async (request) => simulateRefundOutcome(ctx, request.params.id, request.body.outcome, deliver));

  app.post('/api/sandbox/shops/:id/payout-failure', { config: { access: everyone },
    schema: {
      operationId: 'sandboxPayoutFailure', tags: ['sandbox'], params: IdParams,
      summary: "The simulated provider fails the payout to this shop's payout account: one under way now, else the next one (its money returns to available)",
    },
  }, async (request) => simulatePayoutFailure(ctx, request.params.id));

  app.post('/api/sandbox/payments/:id/chargeback', { config: { access: everyone },
    schema: {
      operationId: 'sandboxChargeback', tags: ['sandbox'], params: IdParams,
      summary: "The payer complains at the provider about a paid order (WeChat Pay or Alipay): the simulator sends its signed complaint notification (COMPLAINT.CREATE, or the alipay.merchant.tradecomplain.changed message) to the notify route, which opens a refund case under arbitration with the evidence package attached",
      body: Type.Object({ description: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })) }),
    },
  }, async (request) => simulateChargeback(ctx, request.params.id, request.body.description ?? '付款后未收到商品，商家不回复', deliver));

  app.post('/api/sandbox/topups/:orderId/respond', { config: { access: everyone }, 
    schema: {
      tags: ['sandbox'], summary: "The simulated supplier's answer to a direct top-up",
      params: Type.Object({ orderId: Type.String({ format: 'uuid' }) }),
      body: Type.Object({ result: Type.Union([Type.Literal('success'), Type.Literal('failed'), Type.Literal('partial')]), deliveredAmount: Type.Optional(Type.Integer({ minimum: 0 })) }),
    },
  }, async (request) => {
    const { result, deliveredAmount } = request.body;
    return handleTopupResult(ctx, request.params.orderId, result === 'partial' ? { result, deliveredAmount: deliveredAmount ?? -1 } : { result });
  });

  app.post('/api/sandbox/clock/advance', { config: { access: everyone }, 
    schema: { tags: ['sandbox'], summary: 'Move the test clock forward and run every deadline now due', body: Type.Object({ minutes: Type.Number({ minimum: 0, maximum: 525_600 }) }) },
  }, async (request) => {
    const target = new Date(ctx.clock.now().getTime() + request.body.minutes * 60_000);
    const now = await ctx.scheduler.advanceTo(target);
    return { now: now.toISOString() };
  });

  app.get('/api/sandbox/sms', { config: { access: everyone },
    schema: {
      tags: ['sandbox'], summary: 'The SMS the sandbox provider "sent", newest first (sandbox only)',
      querystring: Type.Object({ phone: Type.Optional(Type.String({ maxLength: 32 })), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: outboxPageSizeMax })) }),
    },
  }, async (request) => sandboxSmsOutbox(ctx, request.query));

  app.get('/api/sandbox/clock', { config: { access: everyone }, schema: { tags: ['sandbox'], summary: 'The test clock now' } }, async () => ({ now: ctx.clock.now().toISOString() }));
}
