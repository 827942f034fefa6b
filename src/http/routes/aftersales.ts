import { Type } from 'typebox';
import type { FastifyRequest } from 'fastify';
import { appealCase, decideCase, queueFilters, requestEvidence, staffQueue, submitEvidence } from '../../aftersales/arbitration';
import { partyHistory } from '../../aftersales/party-history';
import { addCaseNote, claimCase, listCaseNotes, noteLengthMax, releaseCase } from '../../aftersales/workbench';
import { caseIn, caseView, loadCaseFor } from '../../aftersales/cases';
import { descriptionLengthMax } from '../../aftersales/completeness';
import { evidencePerCaseMax, evidenceSizeBytesMax, evidenceTooLarge, readEvidence, uploadEvidence } from '../../aftersales/evidence';
import { openCase, previewCase } from '../../aftersales/open-case';
import { buyerAccept, escalate, merchantRespond, messageLengthMax, withdraw } from '../../aftersales/respond';
import { listCases } from '../../aftersales/list-cases';
import type { Ctx } from '../../context';
import { listNotifications, markNotificationsRead } from '../../notify/notifications';
import { defaultReader } from '../../notify/reader-format';
import { langFromHeader } from '../../i18n/lang';
import { publishRules, ruleCatalog, ruleSetVersion } from '../../rules/publish';
import { AppError, badRequest } from '../../shared/errors';
import type { App } from '../app-type';
import { actorOf, adminOnly, langOf, orderBuyer, orderParties, shopSide, signedIn, staffOrAdmin, userOf } from '../access';
import { IdParams, Money, Paging, Uuid, idempotencyHeader } from '../schemas';

const Reason = Type.Union(['not_delivered', 'key_invalid', 'not_as_described', 'wrong_amount', 'buyer_mistake', 'no_reason'].map((r) => Type.Literal(r)));
const EvidenceIds = Type.Array(Uuid, { maxItems: evidencePerCaseMax });
const Application = Type.Object({
  reason: Reason,
  description: Type.String({ minLength: 1, maxLength: descriptionLengthMax }),
  expectedOutcome: Type.Union([Type.Literal('full_refund'), Type.Literal('partial_refund'), Type.Literal('reissue')]),
  amount: Type.Optional(Money),
  itemIds: Type.Optional(Type.Array(Uuid, { maxItems: 1000 })),
  evidenceIds: Type.Optional(EvidenceIds),
  refundTo: Type.Optional(Type.Union([Type.Literal('original'), Type.Literal('wallet')], { description: 'original payment path (default) or the wallet (余额留存: for a buyer mistake on unused goods, no fee)' })),
  exchange: Type.Optional(Type.Object({
    productId: Uuid,
    quantity: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
    topupAccount: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  }, { description: '换货 (reason buyer_mistake, full refund, unused goods): another product of the same shop instead of money back; no fee' })),
});
const Message = Type.String({ maxLength: messageLengthMax });

/**
 * A rule value: a whole number or a flag. One JSON-schema type list, not anyOf: with type coercion on,
 * anyOf's integer branch would turn `true` into 1 and no flag rule could ever be published.
 */
const RuleValue = Type.Unsafe<number | boolean>({ type: ['integer', 'boolean'] });

const Note = Type.Object({
  id: Uuid, body: Type.String(), author: Type.Object({ id: Uuid, name: Type.String() }), createdAt: Type.String({ format: 'date-time' }),
});
const NoteList = Type.Object({ items: Type.Array(Note) });

export function aftersalesRoutes(app: App, ctx: Ctx): void {
  app.post('/api/evidence', { config: { access: signedIn }, 
    schema: { tags: ['after-sales'], summary: 'Upload evidence (multipart field `file`, optional field `kind`: transaction | problem | communication); type checked by content', consumes: ['multipart/form-data'] },
  }, async (request, reply) => {
    if (!request.isMultipart()) throw badRequest('MULTIPART_REQUIRED', 'send the file as multipart/form-data in the field `file`');
    // A cut or garbled body makes busboy fail with a plain Error (no status): that is the client's 400, not a 500.
    const uploadFailed = (error: { code?: string; statusCode?: number; message?: string }): never => {
      if (error instanceof AppError) throw error;
      if (error.code === 'FST_REQ_FILE_TOO_LARGE') throw evidenceTooLarge();
      if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) throw error;
      throw badRequest('MULTIPART_MALFORMED', `the multipart body could not be read (${error.message ?? 'malformed'})`);
    };
    const file = await request.file({ limits: { fileSize: evidenceSizeBytesMax, files: 1 } }).catch(uploadFailed);
    if (!file || file.fieldname !== 'file') throw badRequest('FILE_REQUIRED', 'no file in the field `file`');
    const content = await file.toBuffer().catch(uploadFailed);
    // @fastify/multipart 10's toBuffer() can return the first evidenceSizeBytesMax bytes without throwing: the flag decides.
    if (file.file.truncated || (file as { truncated?: boolean }).truncated) throw evidenceTooLarge();
    const kindField = file.fields.kind as { value?: unknown } | undefined;
    const kind = typeof kindField?.value === 'string' ? kindField.value : undefined;
    return reply.status(201).send(await uploadEvidence(ctx, actorOf(request), { content, filename: file.filename, declaredType: file.mimetype, kind }));
  });

  app.get('/api/evidence/:id', { config: { access: signedIn }, schema: { tags: ['after-sales'], summary: 'An evidence file (uploader; parties and staff of a case citing it)', params: IdParams } }, async (request, reply) => {
    const file = await readEvidence(ctx, actorOf(request), request.params.id);
    return reply.type(file.mime).header('x-content-type-options', 'nosniff').header('content-disposition', 'inline').send(file.content);
  });

  app.post('/api/orders/:id/refund-cases/preview', { config: { access: orderBuyer }, 
    schema: { tags: ['after-sales'], summary: 'Check an application without filing it: the verdict, warnings and the evidence checklist', params: IdParams, body: Application },
  }, async (request) => previewCase(ctx, actorOf(request), request.params.id, request.body, langOf(request)));

  app.post('/api/orders/:id/refund-cases', { config: { access: orderBuyer }, 
    schema: { tags: ['after-sales'], summary: '申请售后: file a refund case (201), or 422 naming the rule that refuses it', params: IdParams, headers: idempotencyHeader, body: Application },
  }, async (request, reply) => reply.status(201).send(caseIn(langOf(request), await openCase(ctx, actorOf(request), request.params.id, request.body, request.headers['idempotency-key'], langOf(request)))));

  app.get('/api/refund-cases', { config: { access: ['buyer', 'guest', ...shopSide, ...staffOrAdmin] }, 
    schema: { tags: ['after-sales'], summary: "Cases: a buyer's own, a shop's (merchant, with shopId), or all (staff)", querystring: Type.Object({ shopId: Type.Optional(Uuid), orderId: Type.Optional(Uuid), status: Type.Optional(Type.String({ maxLength: 40 })), ...Paging }) },
  }, async (request) => listCases(ctx, actorOf(request), request.query));

  app.get('/api/refund-cases/:id', { config: { access: orderParties }, schema: { tags: ['after-sales'], summary: 'A case with deadlines, decision, refunds and its events', params: IdParams } }, async (request) => {
    const actor = actorOf(request);
    const { refundCase, role } = await loadCaseFor(ctx.db, actor, request.params.id, ['buyer', 'merchant', 'staff']);
    return caseView(ctx, ctx.db, refundCase.id, role, langOf(request), actor);
  });

  app.post('/api/refund-cases/:id/merchant-response', { config: { access: shopSide }, 
    schema: {
      tags: ['after-sales'], summary: 'The shop owner answers: accept, partial (amount), reissue, or contest', params: IdParams, headers: idempotencyHeader,
      body: Type.Object({ action: Type.Union([Type.Literal('accept'), Type.Literal('partial'), Type.Literal('reissue'), Type.Literal('contest')]), amount: Type.Optional(Money), message: Message, evidenceIds: Type.Optional(EvidenceIds) }),
    },
  }, async (request) => caseIn(langOf(request), await merchantRespond(ctx, actorOf(request), request.params.id, request.body, request.headers['idempotency-key'])));

  app.post('/api/refund-cases/:id/escalate', { config: { access: orderBuyer }, schema: { tags: ['after-sales'], summary: '平台介入: the buyer asks the platform to arbitrate', params: IdParams } },
    async (request) => caseIn(langOf(request), await escalate(ctx, actorOf(request), request.params.id)));
  app.post('/api/refund-cases/:id/accept', { config: { access: orderBuyer }, schema: { tags: ['after-sales'], summary: "The buyer accepts the merchant's answer; the case closes", params: IdParams } },
    async (request) => caseIn(langOf(request), await buyerAccept(ctx, actorOf(request), request.params.id)));
  app.post('/api/refund-cases/:id/withdraw', { config: { access: orderBuyer }, schema: { tags: ['after-sales'], summary: 'The buyer withdraws the case before a decision', params: IdParams } },
    async (request) => caseIn(langOf(request), await withdraw(ctx, actorOf(request), request.params.id)));

  app.post('/api/refund-cases/:id/evidence-requests', { config: { access: staffOrAdmin }, 
    schema: { tags: ['after-sales'], summary: 'Staff ask one party for more evidence (48 h)', params: IdParams, body: Type.Object({ party: Type.Union([Type.Literal('buyer'), Type.Literal('merchant')]), note: Type.String({ minLength: 1, maxLength: messageLengthMax }) }) },
  }, async (request) => caseIn(langOf(request), await requestEvidence(ctx, actorOf(request), request.params.id, request.body)));

  app.post('/api/refund-cases/:id/evidence', { config: { access: ['buyer', 'merchant'] }, 
    schema: { tags: ['after-sales'], summary: 'The requested party submits evidence', params: IdParams, body: Type.Object({ evidenceIds: EvidenceIds, message: Message }) },
  }, async (request) => caseIn(langOf(request), await submitEvidence(ctx, actorOf(request), request.params.id, request.body)));

  app.post('/api/refund-cases/:id/decision', { config: { access: staffOrAdmin }, 
    schema: {
      tags: ['after-sales'], summary: 'Staff decide with a rule id and a written reason', params: IdParams, headers: idempotencyHeader,
      body: Type.Object({ outcome: Type.Union([Type.Literal('refund'), Type.Literal('partial'), Type.Literal('reject')]), amount: Type.Optional(Money), ruleId: Type.String({ minLength: 1, maxLength: 100 }), reason: Type.String({ minLength: 1, maxLength: messageLengthMax }) }),
    },
  }, async (request) => caseIn(langOf(request), await decideCase(ctx, actorOf(request), request.params.id, request.body, request.headers['idempotency-key'])));

  app.post('/api/refund-cases/:id/appeal', { config: { access: ['buyer', 'merchant'] }, 
    schema: { tags: ['after-sales'], summary: 'Appeal a platform decision once, within 7 days, with new evidence', params: IdParams, body: Type.Object({ reason: Type.String({ minLength: 1, maxLength: messageLengthMax }), evidenceIds: EvidenceIds }) },
  }, async (request) => caseIn(langOf(request), await appealCase(ctx, actorOf(request), request.params.id, request.body)));

  app.get('/api/staff/queue', {
    config: { access: staffOrAdmin },
    schema: {
      tags: ['after-sales'], summary: 'Open arbitration work ordered by deadline, a page at a time with the total; `filter` narrows it (overdue, appeals, evidence_due, mine, unclaimed)',
      querystring: Type.Object({ ...Paging, filter: Type.Optional(Type.Union(queueFilters.map((f) => Type.Literal(f)))) }),
    },
  }, async (request) => staffQueue(ctx, actorOf(request), request.query));

  app.post('/api/refund-cases/:id/claim', {
    config: { access: staffOrAdmin },
    schema: { operationId: 'claimRefundCase', tags: ['after-sales'], summary: "认领: take a case so no one else decides it meanwhile (409 CASE_CLAIMED if another staff member holds it; an admin takes over)", params: IdParams },
  }, async (request) => claimCase(ctx, actorOf(request), request.params.id));
  app.post('/api/refund-cases/:id/release', {
    config: { access: staffOrAdmin },
    schema: { operationId: 'releaseRefundCase', tags: ['after-sales'], summary: 'Give a claimed case back to the queue (the claimer or an admin)', params: IdParams },
  }, async (request) => releaseCase(ctx, actorOf(request), request.params.id));

  // Notes and party history accept every party's credential so that a buyer or merchant gets the case's 404, not a 403 saying there is something to hide.
  app.get('/api/refund-cases/:id/notes', {
    config: { access: orderParties },
    schema: { operationId: 'listCaseNotes', tags: ['after-sales'], summary: "Staff's internal notes on a case, oldest first (staff and admins; never shown to the parties)", params: IdParams, response: { 200: NoteList } },
  }, async (request) => listCaseNotes(ctx, actorOf(request), request.params.id));
  app.post('/api/refund-cases/:id/notes', {
    config: { access: orderParties },
    schema: {
      operationId: 'addCaseNote', tags: ['after-sales'], summary: 'Write an internal note on a case (staff and admins)', params: IdParams,
      body: Type.Object({ body: Type.String({ minLength: 1, maxLength: noteLengthMax }) }), response: { 201: Note },
    },
  }, async (request, reply) => reply.status(201).send(await addCaseNote(ctx, actorOf(request), request.params.id, request.body)));
  app.get('/api/refund-cases/:id/party-history', {
    config: { access: orderParties },
    schema: { operationId: 'getCasePartyHistory', tags: ['after-sales'], summary: "双方历史: the buyer's orders, cases, refunds won and risk; the shop's cases, fault refund rate and credit score (staff and admins)", params: IdParams },
  }, async (request) => partyHistory(ctx, actorOf(request), request.params.id, langOf(request)));

  app.get('/api/notifications', { config: { access: signedIn }, schema: { tags: ['notifications'], summary: 'In-app notifications, newest first, rendered in the reader\'s language (Accept-Language) and time zone (Asia/Shanghai); each keeps its kind and params', querystring: Type.Object({ unread: Type.Optional(Type.Boolean()), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })) }) } },
    async (request) => listNotifications(ctx, actorOf(request), request.query, defaultReader(langFromHeader(request.headers['accept-language']))));
  app.post('/api/notifications/read', { config: { access: signedIn }, schema: { tags: ['notifications'], summary: 'Mark notifications read', body: Type.Object({ ids: Type.Optional(Type.Array(Uuid, { maxItems: 100 })) }) } },
    async (request) => markNotificationsRead(ctx, actorOf(request), request.body.ids ?? 'all'));

  app.get('/api/admin/rules/catalog', { config: { access: staffOrAdmin }, schema: { tags: ['admin'], summary: 'Every rule with its title, unit, value in force and default, and all versions' } },
    async (request) => ruleCatalog(ctx, actorOf(request), langFromHeader(request.headers['accept-language'])));
  app.get('/api/admin/rules/versions/:version', { config: { access: staffOrAdmin }, schema: { tags: ['admin'], summary: 'One published rule-set version', params: Type.Object({ version: Type.Integer({ minimum: 1 }) }) } },
    async (request) => ruleSetVersion(ctx, actorOf(request), request.params.version));
  app.post('/api/admin/rules', { config: { access: adminOnly }, 
    schema: { tags: ['admin'], summary: 'Publish a new rule-set version (changed values only)', body: Type.Object({ values: Type.Record(Type.String(), RuleValue), note: Type.String({ minLength: 1, maxLength: 500 }) }) },
  }, async (request, reply) => reply.status(201).send(await publishRules(ctx, actorOf(request), request.body)));
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
