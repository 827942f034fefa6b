import { Type } from 'typebox';
import type { Ctx } from '../../context';
import { listStuckRefunds, resolutionNoteLengthMax, resolveStuckRefund, type StuckRefundResolution } from '../../payments/stuck-refunds';
import type { App } from '../app-type';
import { staffOrAdmin, userOf } from '../access';
import { IdParams } from '../schemas';

const Nullable = <T extends ReturnType<typeof Type.String>>(schema: T) => Type.Union([schema, Type.Null()]);

const StuckRefund = Type.Object({
  id: Type.String(), orderId: Type.String(), orderNo: Type.String(), shopId: Type.String(), shopName: Type.String(), caseId: Nullable(Type.String()),
  guest: Type.Boolean({ description: 'a guest order: no wallet to fall back to' }),
  amount: Type.Integer({ description: 'fen' }), channel: Type.String(), reason: Type.String(),
  stuck: Type.Union([Type.Literal('channel_failed'), Type.Literal('overdue')], { description: '`channel_failed`: the provider refused or failed it and it could not fall back to a wallet; `overdue`: past the channel\'s arrival window' }),
  since: Type.String({ format: 'date-time' }), createdAt: Type.String({ format: 'date-time' }), expectedBy: Nullable(Type.String({ format: 'date-time' })),
  providerStatus: Type.Union([Type.Literal('accepted'), Type.Literal('refused'), Type.Null()]),
  lastProviderAnswer: Type.Union([Type.Object({ text: Type.String(), at: Nullable(Type.String({ format: 'date-time' })) }), Type.Null()]),
});

/** Staff and admin: channel refunds stuck in processing, and their resolution. */
export function adminRefundRoutes(app: App, ctx: Ctx): void {
  app.get('/api/admin/refunds/stuck', {
    config: { access: staffOrAdmin },
    schema: {
      operationId: 'listStuckRefunds', tags: ['admin'],
      summary: "Channel refunds stuck in processing: failed at the provider with no wallet to fall back to (guest orders), or past the channel's arrival window; the longest stuck first, with the provider's last answer",
      response: { 200: Type.Object({ items: Type.Array(StuckRefund), count: Type.Integer(), totalAmount: Type.Integer({ description: 'fen' }) }) },
    },
  }, async (request) => listStuckRefunds(ctx, userOf(request)));

  app.post('/api/admin/refunds/:id/resolve', {
    config: { access: staffOrAdmin },
    schema: {
      operationId: 'resolveStuckRefund', tags: ['admin'],
      summary: 'Resolve a stuck refund once: `retry` asks the channel again (same idempotency key); `paid_out_of_band` records, with a note, that the buyer was paid another way and books it. 409 REFUND_NOT_STUCK when it is not (or no longer) stuck',
      params: IdParams,
      body: Type.Union([
        Type.Object({ action: Type.Literal('retry'), note: Type.Optional(Type.String({ minLength: 1, maxLength: resolutionNoteLengthMax })) }),
        Type.Object({ action: Type.Literal('paid_out_of_band'), note: Type.String({ minLength: 1, maxLength: resolutionNoteLengthMax, description: 'how and when the buyer was paid (e.g. the bank transfer reference)' }) }),
      ]),
      response: { 200: Type.Object({ refund: Type.Object({ id: Type.String(), status: Type.Union([Type.Literal('pending'), Type.Literal('succeeded')]), resolution: Type.Union([Type.Literal('paid_out_of_band'), Type.Null()]) }) }) },
    },
  }, async (request) => resolveStuckRefund(ctx, userOf(request), request.params.id, request.body as StuckRefundResolution));
}
