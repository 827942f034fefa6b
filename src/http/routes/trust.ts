import { Type } from 'typebox';
import type { Ctx } from '../../context';
import { decideIdentity, identityNameLengthMax, identityReasonLengthMax, listIdentities, shopIdentity, submitIdentity } from '../../trust/identity';
import { createReview, listShopReviews, reviewCommentLengthMax } from '../../trust/reviews';
import { getShopPage } from '../../trust/shop-page';
import type { App } from '../app-type';
import { actorOf, adminOnly, everyone, langOf, orderBuyer, staffOrAdmin, userOf } from '../access';
import { IdParams, Paging } from '../schemas';

const IdentityStatus = Type.Union([Type.Literal('pending'), Type.Literal('approved'), Type.Literal('rejected')]);

/** Reviews, the public shop page with the merchant's credit, and shop identity review (电子商务法 第27条). */
export function trustRoutes(app: App, ctx: Ctx): void {
  app.post('/api/orders/:id/review', {
    config: { access: orderBuyer },
    schema: {
      tags: ['trust'], summary: 'Review a completed order (its buyer, once): 1–5 stars and an optional comment', params: IdParams,
      body: Type.Object({ rating: Type.Integer({ minimum: 1, maximum: 5 }), comment: Type.Optional(Type.String({ maxLength: reviewCommentLengthMax })) }),
    },
  }, async (request, reply) => reply.status(201).send(await createReview(ctx, actorOf(request), request.params.id, request.body)));

  app.get('/api/shops/:id', {
    config: { access: everyone },
    schema: { tags: ['shops'], summary: "A shop's public page: status, credit score with its components, refund rate, rating, verification", params: IdParams },
  }, async (request) => getShopPage(ctx, request.params.id));

  app.get('/api/shops/:id/reviews', {
    config: { access: everyone },
    schema: { tags: ['shops'], summary: "A shop's reviews, newest first, with its average rating", params: IdParams, querystring: Type.Object({ ...Paging }) },
  }, async (request) => listShopReviews(ctx, request.params.id, request.query, langOf(request)));

  app.post('/api/shops/:id/identity', {
    config: { access: ['merchant'] },
    schema: {
      tags: ['shops'], summary: "Submit the shop's identity for review (shop owner): real name or business licence, contact phone", params: IdParams,
      body: Type.Object({
        kind: Type.Union([Type.Literal('real_name'), Type.Literal('business_licence')]),
        name: Type.String({ minLength: 1, maxLength: identityNameLengthMax }),
        number: Type.String({ minLength: 1, maxLength: 40 }),
        contactPhone: Type.String({ minLength: 1, maxLength: 30 }),
      }),
    },
  }, async (request, reply) => reply.status(201).send(await submitIdentity(ctx, userOf(request), request.params.id, request.body)));

  app.get('/api/shops/:id/identity', {
    config: { access: ['merchant', ...staffOrAdmin] },
    schema: { tags: ['shops'], summary: "The shop's identity submission (masked) and whether it is verified (owner, staff)", params: IdParams },
  }, async (request) => shopIdentity(ctx, actorOf(request), request.params.id));

  app.get('/api/admin/identities', {
    config: { access: adminOnly },
    schema: { tags: ['admin'], summary: 'Shop identity submissions to review, oldest first', querystring: Type.Object({ status: Type.Optional(IdentityStatus), ...Paging }) },
  }, async (request) => listIdentities(ctx, userOf(request), request.query));

  app.post('/api/admin/identities/:id/decision', {
    config: { access: adminOnly },
    schema: {
      tags: ['admin'], summary: 'Approve or reject (with a reason) a shop identity submission', params: IdParams,
      body: Type.Object({ decision: Type.Union([Type.Literal('approved'), Type.Literal('rejected')]), reason: Type.Optional(Type.String({ maxLength: identityReasonLengthMax })) }),
    },
  }, async (request) => decideIdentity(ctx, userOf(request), request.params.id, request.body));
}
