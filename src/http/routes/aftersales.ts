import { Type } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { appealCase, decideCase, requestEvidence, staffQueue, submitEvidence } from '../../aftersales/arbitration';
import { caseView, loadCaseFor } from '../../aftersales/cases';
import { descriptionLengthMax } from '../../aftersales/completeness';
import { evidencePerCaseMax, evidenceSizeBytesMax, readEvidence, uploadEvidence } from '../../aftersales/evidence';
import { openCase, previewCase } from '../../aftersales/open-case';
import { buyerAccept, escalate, merchantRespond, messageLengthMax, withdraw } from '../../aftersales/respond';
import { listCases } from '../../aftersales/list-cases';
import type { Ctx } from '../../context';
import { listNotifications, markNotificationsRead } from '../../notify/notifications';
import { publishRules, ruleCatalog, ruleSetVersion } from '../../rules/publish';
import { AppError, badRequest } from '../../shared/errors';
import type { App } from '../app-type';
import { IdParams, Money, Uuid, idempotencyHeader } from '../schemas';

const Reason = Type.Union(['not_delivered', 'key_invalid', 'not_as_described', 'wrong_amount', 'buyer_mistake', 'no_reason'].map((r) => Type.Literal(r)));
const EvidenceIds = Type.Array(Uuid, { maxItems: evidencePerCaseMax });
const Application = Type.Object({
  reason: Reason,
  description: Type.String({ minLength: 1, maxLength: descriptionLengthMax }),
  expectedOutcome: Type.Union([Type.Literal('full_refund'), Type.Literal('partial_refund'), Type.Literal('reissue')]),
  amount: Type.Optional(Money),
  itemIds: Type.Optional(Type.Array(Uuid, { maxItems: 1000 })),
  evidenceIds: Type.Optional(EvidenceIds),
  refundTo: Type.Optional(Type.Union([Type.Literal('original'), Type.Literal('wallet')], { description: 'original payment path (default) or the wallet' })),
});
const Message = Type.String({ maxLength: messageLengthMax });

export function aftersalesRoutes(app: App, ctx: Ctx): void {
  app.post('/api/evidence', {
    schema: { tags: ['after-sales'], summary: 'Upload evidence (multipart field `file`, optional field `kind`: transaction | problem | communication); type checked by content', consumes: ['multipart/form-data'] },
  }, async (request, reply) => {
    if (!request.isMultipart()) throw badRequest('MULTIPART_REQUIRED', 'send the file as multipart/form-data in the field `file`');
    const { file, content, kind } = await readEvidenceUpload(request);
    return reply.status(201).send(await uploadEvidence(ctx, request.actor, { content, filename: file.filename, kind }));
  });

  app.get('/api/evidence/:id', { schema: { tags: ['after-sales'], summary: 'An evidence file (uploader; parties and staff of a case citing it)', params: IdParams } }, async (request, reply) => {
    const file = await readEvidence(ctx, request.actor, request.params.id);
    return reply.type(file.mime).header('x-content-type-options', 'nosniff').header('content-disposition', 'inline').send(file.content);
  });

  app.post('/api/orders/:id/refund-cases/preview', {
    schema: { tags: ['after-sales'], summary: 'Check an application without filing it: the verdict, warnings and the evidence checklist', params: IdParams, body: Application },
  }, async (request) => previewCase(ctx, request.actor, request.params.id, request.body));

  app.post('/api/orders/:id/refund-cases', {
    schema: { tags: ['after-sales'], summary: '申请售后: file a refund case (201), or 422 naming the rule that refuses it', params: IdParams, headers: idempotencyHeader, body: Application },
  }, async (request, reply) => reply.status(201).send(await openCase(ctx, request.actor, request.params.id, request.body, request.headers['idempotency-key'])));

  app.get('/api/refund-cases', {
    schema: { tags: ['after-sales'], summary: "Cases: a buyer's own, a shop's (merchant, with shopId), or all (staff)", querystring: Type.Object({ shopId: Type.Optional(Uuid), status: Type.Optional(Type.String({ maxLength: 40 })), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })) }) },
  }, async (request) => listCases(ctx, request.actor, request.query));

  app.get('/api/refund-cases/:id', { schema: { tags: ['after-sales'], summary: 'A case with deadlines, decision, refunds and its events', params: IdParams } }, async (request) => {
    const { refundCase, role } = await loadCaseFor(ctx.db, request.actor, request.params.id, ['buyer', 'merchant', 'staff']);
    return caseView(ctx, ctx.db, refundCase.id, role);
  });

  app.post('/api/refund-cases/:id/merchant-response', {
    schema: {
      tags: ['after-sales'], summary: 'The shop owner answers: accept, partial (amount), reissue, or contest', params: IdParams, headers: idempotencyHeader,
      body: Type.Object({ action: Type.Union([Type.Literal('accept'), Type.Literal('partial'), Type.Literal('reissue'), Type.Literal('contest')]), amount: Type.Optional(Money), message: Message, evidenceIds: Type.Optional(EvidenceIds) }),
    },
  }, async (request) => merchantRespond(ctx, request.actor, request.params.id, request.body, request.headers['idempotency-key']));

  app.post('/api/refund-cases/:id/escalate', { schema: { tags: ['after-sales'], summary: '平台介入: the buyer asks the platform to arbitrate', params: IdParams } },
    async (request) => escalate(ctx, request.actor, request.params.id));
  app.post('/api/refund-cases/:id/accept', { schema: { tags: ['after-sales'], summary: "The buyer accepts the merchant's answer; the case closes", params: IdParams } },
    async (request) => buyerAccept(ctx, request.actor, request.params.id));
  app.post('/api/refund-cases/:id/withdraw', { schema: { tags: ['after-sales'], summary: 'The buyer withdraws the case before a decision', params: IdParams } },
    async (request) => withdraw(ctx, request.actor, request.params.id));

  app.post('/api/refund-cases/:id/evidence-requests', {
    schema: { tags: ['after-sales'], summary: 'Staff ask one party for more evidence (48 h)', params: IdParams, body: Type.Object({ party: Type.Union([Type.Literal('buyer'), Type.Literal('merchant')]), note: Type.String({ minLength: 1, maxLength: messageLengthMax }) }) },
  }, async (request) => requestEvidence(ctx, request.actor, request.params.id, request.body));

  app.post('/api/refund-cases/:id/evidence', {
    schema: { tags: ['after-sales'], summary: 'The requested party submits evidence', params: IdParams, body: Type.Object({ evidenceIds: EvidenceIds, message: Message }) },
  }, async (request) => submitEvidence(ctx, request.actor, request.params.id, request.body));

  app.post('/api/refund-cases/:id/decision', {
    schema: {
      tags: ['after-sales'], summary: 'Staff decide with a rule id and a written reason', params: IdParams, headers: idempotencyHeader,
      body: Type.Object({ outcome: Type.Union([Type.Literal('refund'), Type.Literal('partial'), Type.Literal('reject')]), amount: Type.Optional(Money), ruleId: Type.String({ minLength: 1, maxLength: 100 }), reason: Type.String({ minLength: 1, maxLength: messageLengthMax }) }),
    },
  }, async (request) => decideCase(ctx, request.actor, request.params.id, request.body, request.headers['idempotency-key']));

  app.post('/api/refund-cases/:id/appeal', {
    schema: { tags: ['after-sales'], summary: 'Appeal a platform decision once, within 7 days, with new evidence', params: IdParams, body: Type.Object({ reason: Type.String({ minLength: 1, maxLength: messageLengthMax }), evidenceIds: EvidenceIds }) },
  }, async (request) => appealCase(ctx, request.actor, request.params.id, request.body));

  app.get('/api/staff/queue', { schema: { tags: ['after-sales'], summary: 'Open arbitration work ordered by deadline', querystring: Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })) }) } },
    async (request) => staffQueue(ctx, request.actor, request.query));

  app.get('/api/notifications', { schema: { tags: ['notifications'], summary: 'In-app notifications, newest first', querystring: Type.Object({ unread: Type.Optional(Type.Boolean()), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })) }) } },
    async (request) => listNotifications(ctx, request.actor, request.query));
  app.post('/api/notifications/read', { schema: { tags: ['notifications'], summary: 'Mark notifications read', body: Type.Object({ ids: Type.Optional(Type.Array(Uuid, { maxItems: 100 })) }) } },
    async (request) => markNotificationsRead(ctx, request.actor, request.body.ids ?? 'all'));

  app.get('/api/admin/rules/catalog', { schema: { tags: ['admin'], summary: 'Every rule with its title, unit, value in force and default, and all versions' } },
    async (request) => ruleCatalog(ctx, request.actor));
  app.get('/api/admin/rules/versions/:version', { schema: { tags: ['admin'], summary: 'One published rule-set version', params: Type.Object({ version: Type.Integer({ minimum: 1 }) }) } },
    async (request) => ruleSetVersion(ctx, request.actor, request.params.version));
  app.post('/api/admin/rules', {
    schema: { tags: ['admin'], summary: 'Publish a new rule-set version (changed values only)', body: Type.Object({ values: Type.Record(Type.String(), Type.Union([Type.Integer(), Type.Boolean()])), note: Type.String({ minLength: 1, maxLength: 500 }) }) },
  }, async (request, reply) => reply.status(201).send(await publishRules(ctx, request.actor, request.body)));
}

/** The uploaded file and its `kind` field; a malformed or cut-off multipart body is the client's error (400), not ours. */
async function readEvidenceUpload(request: FastifyRequest) {
  try {
    const file = await request.file({ limits: { fileSize: evidenceSizeBytesMax, files: 1 } });
    if (!file || file.fieldname !== 'file') throw badRequest('FILE_REQUIRED', 'no file in the field `file`');
    const content = await file.toBuffer();
    if (file.file.truncated) throw tooLarge();
    const kindField = file.fields.kind as { value?: unknown } | undefined;
    return { file, content, kind: typeof kindField?.value === 'string' ? kindField.value : undefined };
  } catch (error) {
    if (error instanceof AppError) throw error;
    const code = (error as { code?: string }).code;
    if (code === 'FST_REQ_FILE_TOO_LARGE') throw tooLarge();
    if (code && (error as { statusCode?: number }).statusCode) throw error; // @fastify/multipart's own 4xx (too many parts …)
    throw badRequest('MULTIPART_INVALID', `the multipart body could not be read: ${(error as Error).message}`);
  }
}

const tooLarge = () => new AppError('EVIDENCE_TOO_LARGE', 400, `files may be at most ${evidenceSizeBytesMax} bytes`);
