import { Type } from 'typebox';
import { createApiKey, listApiKeys, revokeApiKey } from '../../accounts/api-keys';
import type { Ctx } from '../../context';
import { listPayouts } from '../../payments/payments';
import { getPayoutAccount, payoutAccountNameLengthMax, setPayoutAccount } from '../../payments/payout-accounts';
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
    config: { access: [...shopSide, ...staffOrAdmin] }, schema: { tags: ['shops'], summary: "The shop's payouts (withdrawals) with their status (pending → paid / failed, with the failure), channel and masked account, newest first", params: IdParams, querystring: Type.Object(Paging) },
  }, async (request) => listPayouts(ctx, actorOf(request), request.params.id, request.query));

  const PayoutAccountView = Type.Object({ channel: Type.String(), account: Type.String({ description: 'masked' }), name: Type.String(), updatedAt: Type.String({ format: 'date-time' }) });
  app.post('/api/shops/:id/payout-account', {
    config: { access: ['merchant'] },
    schema: {
      operationId: 'setPayoutAccount', tags: ['shops'], params: IdParams,
      summary: "Set the shop's payout account (收款账户): alipay (login id: email or mobile), wechat (openid) or unionpay (bank card); epay cannot pay out. Withdrawals are paid there",
      body: Type.Object({
        channel: Type.String({ minLength: 1, maxLength: 32 }), account: Type.String({ minLength: 1, maxLength: 254 }),
        name: Type.String({ minLength: 1, maxLength: payoutAccountNameLengthMax, description: "the payee's real name, which the provider checks" }),
      }),
      response: { 200: Type.Object({ payoutAccount: PayoutAccountView }) },
    },
  }, async (request) => setPayoutAccount(ctx, userOf(request), request.params.id, request.body));

  app.get('/api/shops/:id/payout-account', {
    config: { access: [...shopSide, ...staffOrAdmin] },
    schema: {
      operationId: 'getPayoutAccount', tags: ['shops'], params: IdParams, summary: "The shop's payout account (masked; null when none is set) and the channels that can pay out here",
      response: { 200: Type.Object({ payoutAccount: Type.Union([PayoutAccountView, Type.Null()]), channels: Type.Array(Type.String()) }) },
    },
  }, async (request) => getPayoutAccount(ctx, actorOf(request), request.params.id));

  app.get('/api/rules', {
    config: { access: staffOrAdmin }, schema: { tags: ['admin'], summary: "The rule ids a decision's ruleId may cite, with titles, units and values in force" },
  }, async () => citableRules(ctx));
}
