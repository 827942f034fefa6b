import { Type } from 'typebox';
import type { Ctx } from '../../context';
import { webhookEventTypes } from '../../webhooks/events';
import { createWebhook, deleteWebhook, listDeliveries, listWebhooks } from '../../webhooks/webhooks';
import type { App } from '../app-type';
import { userOf } from '../access';
import { IdParams, Uuid } from '../schemas';

const EventType = Type.Union(webhookEventTypes.map((type) => Type.Literal(type)));
const WebhookParams = Type.Object({ id: Uuid, webhookId: Uuid });

/** Signed merchant webhooks: the shop owner's session only (an API key cannot mint or read secrets). */
export function webhookRoutes(app: App, ctx: Ctx): void {
  app.post('/api/shops/:id/webhooks', {
    config: { access: ['merchant'] },
    schema: {
      tags: ['shops'],
      summary: 'Register a webhook: each event is POSTed as `{ id, type, createdAt, data }` with `Kameng-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, t + "." + body)>`, retried with backoff. The secret is shown once',
      params: IdParams,
      body: Type.Object({
        url: Type.String({ minLength: 1, maxLength: 2000 }),
        events: Type.Array(EventType, { minItems: 1, maxItems: webhookEventTypes.length, uniqueItems: true }),
      }),
    },
  }, async (request, reply) => reply.status(201).send(await createWebhook(ctx, userOf(request), request.params.id, request.body)));

  app.get('/api/shops/:id/webhooks', {
    config: { access: ['merchant'] }, schema: { tags: ['shops'], summary: "The shop's webhooks (never their secrets)", params: IdParams },
  }, async (request) => listWebhooks(ctx, userOf(request), request.params.id));

  app.delete('/api/shops/:id/webhooks/:webhookId', {
    config: { access: ['merchant'] }, schema: { tags: ['shops'], summary: 'Delete a webhook; its pending deliveries are not sent', params: WebhookParams },
  }, async (request) => deleteWebhook(ctx, userOf(request), request.params.id, request.params.webhookId));

  app.get('/api/shops/:id/webhooks/:webhookId/deliveries', {
    config: { access: ['merchant'] },
    schema: {
      tags: ['shops'], summary: "A webhook's recent deliveries, newest first: status, attempts, the receiver's answer, the next attempt",
      params: WebhookParams, querystring: Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })) }),
    },
  }, async (request) => listDeliveries(ctx, userOf(request), request.params.id, request.params.webhookId, request.query));
}
