import { Type } from '@fastify/type-provider-typebox';
import { createApiKey, listApiKeys, revokeApiKey } from '../../accounts/api-keys';
import type { Ctx } from '../../context';
import { listPayouts } from '../../payments/payments';
import { citableRules } from '../../rules/publish';
import type { App } from '../app-type';
import { actorOf, shopSide, staffOrAdmin, userOf } from '../access';
import { IdParams, Paging, Uuid } from '../schemas';

/** Merchant API keys, payouts, and the rules staff cite. */
export function apiKeyRoutes(app: App, ctx: Ctx): void {
  app.post('/api/shops/:id/api-keys', {
    config: { access: ['merchant'] },
    schema: { tags: ['shops'], summary: 'Create an API key for this shop; the key is shown once. `Authorization: Bearer <key>` acts as the owner, for this shop only', params: IdParams, body: Type.Object({ name: Type.String({ minLength: 1, maxLength: 60 }) }) },
  }, async (request, reply) => reply.status(201).send(await createApiKey(ctx, userOf(request), request.params.id, request.body)));

  app.get('/api/shops/:id/api-keys', {
    config: { access: ['merchant'] }, schema: { tags: ['shops'], summary: "The shop's API keys (never the keys themselves)", params: IdParams },
  }, async (request) => listApiKeys(ctx, userOf(request), request.params.id));

  app.delete('/api/shops/:id/api-keys/:keyId', {
    config: { access: ['merchant'] }, schema: { tags: ['shops'], summary: 'Revoke an API key', params: Type.Object({ id: Uuid, keyId: Uuid }) },
  }, async (request) => revokeApiKey(ctx, userOf(request), request.params.id, request.params.keyId));

  app.get('/api/shops/:id/payouts', {
    config: { access: [...shopSide, ...staffOrAdmin] }, schema: { tags: ['shops'], summary: "The shop's payouts (withdrawals) with their status, newest first", params: IdParams, querystring: Type.Object(Paging) },
  }, async (request) => listPayouts(ctx, actorOf(request), request.params.id, request.query));

  app.get('/api/rules', {
    config: { access: staffOrAdmin }, schema: { tags: ['admin'], summary: "The rule ids a decision's ruleId may cite, with titles, units and values in force" },
  }, async () => citableRules(ctx));
}
