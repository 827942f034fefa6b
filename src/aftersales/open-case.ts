import { withTransaction } from '../db/transaction';
import { caseEventData, emitWebhookEvent } from '../webhooks/events';
import { randomUUID } from 'node:crypto';
import type { Actor, Ctx } from '../context';
import type { Tx } from '../db/connect';
import type { CaseReason, ExpectedOutcome, Order, RefundCase, RefundCasesTable } from '../db/schema';
import type { Insertable } from 'kysely';
import { notice } from '../notify/kinds';
import { notify } from '../notify/notifications';
import { loadOrderFor } from '../orders/access';
import type { RuleSet } from '../rules/rule-sets';
import { scheduleJob } from '../scheduler/jobs';
import { addBusinessDays } from '../shared/business-days';
import { minutesFrom } from '../shared/clock';
import { AppError, badRequest, refused } from '../shared/errors';
import { claimIdempotencyKey } from '../shared/idempotency';
import { appendEvent } from '../timeline/timeline';
import { caseView, type CaseView } from './cases';
import { checkCompleteness, type ChecklistItem, type EvidenceKind, type Warning } from './completeness';
import { attachEvidence, evidenceKinds } from './evidence';
import { executeOutcome, type ExecutedOutcome } from './execute';
import { caseFault } from '../trust/fault';
import { caseRecordsOf, caseRecordsQuery, loadCaseRecords, systemEvidence, type CaseRecords } from './facts';
import { assess, type Verdict } from './rules';
import { checkExchange, type ExchangeRequest } from './exchange';
import { resolutionOf } from './mistake';
import { flagBuyer, riskFindingOf } from '../accounts/buyer-risk';
import { later } from '../db/write-behind';
import { checkKeysForClaim } from './key-check';
import { armCaseDeadlines } from './overdue';
import { armDeadlineReminder } from './deadline-reminders';
import { defaultLang, type Lang } from '../i18n/lang';
import { systemReason } from './system-reasons';

export interface ApplyInput {
  reason: CaseReason;
  description: string;
  expectedOutcome: ExpectedOutcome;
  amount?: number;
  itemIds?: string[];
  evidenceIds?: string[];
  refundTo?: 'original' | 'wallet';
  /** 误拍 / 重复下单: exchange to another product of the shop instead of money back. */
  exchange?: ExchangeRequest;
}

/** The application as the pure rules read it: the resolution the buyer chose. */
function applicationOf(input: ApplyInput) {
  return { ...input, resolution: resolutionOf({ refundTo: input.refundTo, exchangeProductId: input.exchange?.productId }) };
}

/** A guest has no wallet: a buyer mistake cannot be kept as balance (the fee waiver would become a free refund). */
function checkWalletOption(order: Order, input: ApplyInput): void {
  if (input.reason === 'buyer_mistake' && input.refundTo === 'wallet' && !input.exchange && !order.buyer_id) {
    throw badRequest('GUEST_HAS_NO_WALLET', 'guests have no wallet: ask for money back on the original payment path');
  }
}

export type OpenedCase = CaseView & { checklist: ChecklistItem[]; prefilled: Record<string, unknown> };

/** Preview (表单预检): what the platform would decide and what the application lacks, without filing it. */
export async function previewCase(ctx: Ctx, actor: Actor, orderId: string, input: ApplyInput, lang: Lang = defaultLang) {
  const rules = await ctx.rules.current();
  return withTransaction(ctx.db, async (tx) => {
    const now = ctx.clock.now();
    const { order } = await loadOrderFor(tx, actor, orderId, ['buyer']);
    checkWalletOption(order, input);
    const records = await loadCaseRecords(tx, order, rules, now);
    const verdict = assess(records.facts, applicationOf(input));
    const exchange = verdict.kind === 'accepted' && input.exchange ? await checkExchange(tx, order, input.exchange, verdict.amount, rules) : null;
    const kinds = await evidenceKinds(tx, actor, input.evidenceIds ?? []);
    const { warnings, checklist } = checkCompleteness(input.reason, input.description, kinds, lang);
    return { verdict: describeVerdict(verdict, rules), exchange, warnings, checklist, prefilled: systemEvidence(order, records) };
  });
}

/**
 * 申请 → 审核 → 智能审核: checks the application against the rules in force and decides at once what
 * the platform's records settle (秒退, overdue manual delivery, allowed no-reason refunds); everything
 * else goes to the merchant with the platform's facts attached. A refusal is a 422 naming the rule.
 */
export async function openCase(
  ctx: Ctx, actor: Actor, orderId: string, input: ApplyInput, idempotencyKey?: string, lang: Lang = defaultLang,
): Promise<OpenedCase> {
  const rules = await ctx.rules.current();
  // The upstream key checker is asked before the case's transaction, never inside one; its answers are facts below.
  await checkKeysForClaim(ctx, actor, orderId, input);
  try {
    return await withTransaction(ctx.db, async (tx) => {
      const now = ctx.clock.now();
      const { order } = await loadOrderFor(tx, actor, orderId, ['buyer'], true);
      // The order's records are read under its lock, in the Idempotency-Key claim's statement when there is one.
      const recordsQuery = caseRecordsQuery(tx, order, now, { locked: true });
      const claim = idempotencyKey ? await claimIdempotencyKey(tx, `case-open:${order.id}`, idempotencyKey, input, now, {
        // The checklist and the facts pre-filled are those of the moment the case was filed.
        reference: (opened: OpenedCase) => ({ caseId: opened.id, checklist: opened.checklist, prefilled: opened.prefilled }),
        render: async (ref: { caseId: string; checklist: OpenedCase['checklist']; prefilled: OpenedCase['prefilled'] }) => ({ ...(await caseView(ctx, tx, ref.caseId, 'buyer', lang)), checklist: ref.checklist, prefilled: ref.prefilled }),
      }, recordsQuery) : null;
      if (claim?.replay) return claim.response;
      const row = claim ? claim.alongside : (await tx.executeQuery(recordsQuery.compile())).rows[0];
      const records = caseRecordsOf(tx, row, order, rules, now, { locked: true });
      // The buyer's record (the claims before this one) is checked first: a pattern it shows applies to this claim.
      const risk = riskFindingOf(records.risk, rules);
      if (risk && order.buyer_id) {
        await later(tx, flagBuyer(tx, order.buyer_id, risk, now));
        records.facts.buyerRisk = 'high';
      }
      checkWalletOption(order, input);
      const verdict = assess(records.facts, applicationOf(input));
      if (verdict.kind === 'invalid') throw badRequest(verdict.code, verdict.message);
      if (verdict.kind === 'refused') throw refused(verdict.code, verdict.rule, verdict.message, { ...verdict.details, ruleVersion: rules.version });
      if (input.exchange) await checkExchange(tx, order, input.exchange, verdict.amount, rules);
      const kinds = await evidenceKinds(tx, actor, input.evidenceIds ?? []);
      const opened = await fileCase(ctx, tx, { actor, order, records, input, verdict, kinds, rules, now, lang });
      await claim?.finish(opened);
      return opened;
    });
  } catch (error) {
    if (error instanceof AppError && error.status === 422 && error.extra.rule) await recordRefusal(ctx, actor, orderId, input, error);
    throw error;
  }
}

async function fileCase(
  ctx: Ctx, tx: Tx,
  p: { actor: Actor; order: Order; records: CaseRecords; input: ApplyInput; verdict: Extract<Verdict, { kind: 'accepted' }>; kinds: EvidenceKind[]; rules: RuleSet; now: Date; lang: Lang },
): Promise<OpenedCase> {
  const { order, input, verdict, rules, now } = p;
  // The case records its warnings in Chinese, as always; the buyer reads them in their language (caseView re-words them by code).
  const { warnings } = checkCompleteness(input.reason, input.description, p.kinds);
  const { checklist } = checkCompleteness(input.reason, input.description, p.kinds, p.lang);
  const caseId = randomUUID();
  const auto = verdict.route === 'auto_approve';
  const toStaff = verdict.route === 'to_staff';
  const facts = systemEvidence(order, p.records);
  const values = {
    id: caseId, order_id: order.id, shop_id: order.shop_id, buyer_id: order.buyer_id, reason: input.reason, description: input.description.trim(),
    expected_outcome: input.expectedOutcome, amount: verdict.amount, item_ids: JSON.stringify(verdict.unitIds),
    // An exchange goes through the wallet (and so does any money a partial outcome or a failed exchange pays).
    refund_to: input.exchange ? 'wallet' as const : input.refundTo ?? 'original' as const,
    exchange_product_id: input.exchange?.productId ?? null, exchange_quantity: input.exchange ? input.exchange.quantity ?? 1 : null,
    exchange_topup_account: input.exchange?.topupAccount?.trim() ?? null,
    status: auto ? 'auto_approved' as const : toStaff ? 'under_arbitration' as const : 'awaiting_merchant' as const, route: verdict.route, rule_version: rules.version,
    facts: JSON.stringify({ ...facts, notes: verdict.notes }), warnings: JSON.stringify(warnings),
    merchant_by: verdict.route === 'to_merchant' ? minutesFrom(now, rules.values['aftersales.merchant-response']) : null,
    buyer_by: null, evidence_by: null, evidence_party: null, evidence_return_status: null,
    decision_by: toStaff ? addBusinessDays(now, rules.values['aftersales.arbitration-sla']) : null, escalated_at: toStaff ? now : null,
    merchant_action: null, merchant_message: null, merchant_amount: null,
    decision_outcome: auto ? (verdict.fee > 0 || verdict.refund < verdict.amount ? 'partial' as const : 'refund' as const) : null,
    decision_amount: auto ? verdict.refund : null, decision_rule_id: auto ? verdict.rule : null, decision_rule_version: auto ? rules.version : null,
    decision_reason: auto ? autoReason(verdict) : null, decided_by: auto ? 'system' : null, decided_at: auto ? now : null,
    first_decider_id: null, appeal_by: null, appealed_by: null, appeal_reason: null, created_at: now, updated_at: now,
  } satisfies Insertable<RefundCasesTable>;
  // A case decided at once is never open (the one-open-case index does not hold it), and the order's
  // lock serialises applications: its row goes behind, and the row it will be is built here.
  const c: RefundCase = auto
    ? await fileBehind(tx, values)
    : await tx.insertInto('refund_cases').values(values).returningAll().executeTakeFirstOrThrow();
  await attachEvidence(tx, p.actor, caseId, input.evidenceIds ?? [], 'buyer', now);
  await emitWebhookEvent(tx, order.shop_id, 'refund_case.opened', caseEventData(c), now);
  await appendEvent(tx, order.id, 'case_opened', {
    actor: p.actor?.kind === 'user' ? `buyer:${p.actor.userId}` : 'guest', at: now,
    data: { caseId, reason: input.reason, expectedOutcome: input.expectedOutcome, amount: verdict.amount, resolution: applicationOf(input).resolution, exchange: input.exchange ?? null,
      ...(verdict.mistake ? { mistakeFee: verdict.mistake.fee, mistakeFeeWaived: verdict.mistake.waived, mistakeRuleId: verdict.mistake.rule } : {}), itemIds: verdict.unitIds, route: verdict.route, ruleId: verdict.rule, ruleVersion: rules.version, notes: verdict.notes },
  });
  let outcome: ExecutedOutcome = {};
  if (auto) {
    // A no-reason refund keeps its fee but still returns whole units: unrevealed keys go back on sale.
    // The order is locked since it was read (openCase), and nothing here changed it or its units.
    const locked = {
      order, items: p.records.items, redeemedItemIds: p.records.redeemedItemIds, noReasonFeeBp: p.records.facts.product.noReasonFeeBp, waitingRefunds: p.records.waitingRefunds,
    };
    outcome = await executeOutcome(ctx, tx, c, { outcome: verdict.fee > 0 ? 'partial' : 'refund', amount: verdict.refund, actor: 'system', rules, now, fault: caseFault(c), releaseUnits: true, locked });
    await appendEvent(tx, order.id, 'case_decided', { actor: 'system', at: now, data: { caseId, outcome: c.decision_outcome, amount: verdict.refund, fee: verdict.fee, ruleId: verdict.rule, ruleVersion: rules.version } });
  } else if (verdict.route === 'to_merchant') {
    await scheduleJob(tx, 'case_merchant_deadline', caseId, c.merchant_by!, now);
    await armDeadlineReminder(tx, caseId, 'merchant_response', c.merchant_by!, now);
  }
  if (!auto) await armCaseDeadlines(tx, c, rules, now);
  await notify(ctx, tx, {
    userIds: [order.buyer_id, p.records.shopOwnerId], orderId: order.id, caseId, at: now, phones: p.records.recipients,
    notice: auto
      ? notice('case_auto_approved', { orderNo: order.order_no, amount: verdict.refund, ruleId: verdict.rule })
      : notice('case_opened', { orderNo: order.order_no, merchantBy: c.merchant_by?.toISOString() ?? null }),
  });
  // The row as inserted still stands (an exchange links its new order to the case: read that one again),
  // and so do the order as the outcome left it, the refund it made and the conversation read under the lock.
  const filedHere = input.exchange ? undefined
    : { order: outcome.refund?.order ?? order, refunds: outcome.refund?.row ? [outcome.refund.row] : [], chat: p.records.chat };
  const known = { row: input.exchange ? undefined : c, noEvidence: !input.evidenceIds?.length, rules, filedHere };
  return { ...(await caseView(ctx, tx, caseId, 'buyer', p.lang, undefined, known)), checklist, prefilled: facts };
}

/** Inserts a case behind (db/write-behind.ts) and returns its row as the database will hold it (the columns' defaults filled in). */
async function fileBehind(tx: Tx, values: Insertable<RefundCasesTable> & { item_ids: string; facts: string; warnings: string }): Promise<RefundCase> {
  await later(tx, tx.insertInto('refund_cases').values(values));
  const defaults = {
    appeal_count: 0, platform_refunded: 0, merchant_responded_at: null, overdue_at: null, external_notice_at: null, exchange_order_id: null,
    claimed_by: null, claimed_at: null, exchange_product_id: null, exchange_quantity: null, exchange_topup_account: null,
  };
  return {
    ...defaults,
    ...values as Omit<RefundCase, 'item_ids' | 'facts' | 'warnings' | keyof typeof defaults>,
    // jsonb columns come back parsed.
    item_ids: JSON.parse(values.item_ids) as string[], facts: JSON.parse(values.facts) as RefundCase['facts'], warnings: JSON.parse(values.warnings) as unknown[],
  };
}

function autoReason(verdict: Extract<Verdict, { kind: 'accepted' }>): string {
  switch (verdict.rule) {
    case 'aftersales.instant-refund-window': return systemReason('instantRefund', 'zh');
    case 'aftersales.manual-promised-time': return systemReason('manualLate', 'zh');
    case 'aftersales.no-reason-refund': return systemReason('noReason', 'zh', { fee: verdict.fee });
    case 'aftersales.key-redeemed-before-sale': return systemReason('keyRedeemedBeforeSale', 'zh');
    default: return systemReason('recordsSupport', 'zh');
  }
}

function describeVerdict(verdict: Verdict, rules: RuleSet) {
  if (verdict.kind !== 'accepted') return { ...verdict, ruleVersion: rules.version };
  return { kind: verdict.kind, route: verdict.route, rule: verdict.rule, ruleVersion: rules.version, amount: verdict.amount, refund: verdict.refund, fee: verdict.fee, notes: verdict.notes, mistake: verdict.mistake ?? null };
}

/** A refusal is recorded on the order's timeline with the rule and version, in its own transaction. */
async function recordRefusal(ctx: Ctx, actor: Actor, orderId: string, input: ApplyInput, error: AppError): Promise<void> {
  await withTransaction(ctx.db, async (tx) => {
    const order = await tx.selectFrom('orders').select('id').where('id', '=', orderId).forUpdate().executeTakeFirst();
    if (!order || !actor) return;
    await appendEvent(tx, orderId, 'case_refused', {
      actor: actor.kind === 'user' ? `buyer:${actor.userId}` : 'guest', at: ctx.clock.now(),
      data: { reason: input.reason, code: error.code, ruleId: error.extra.rule ?? null, ruleVersion: error.extra.details?.ruleVersion ?? null },
    });
  }).catch((e) => ctx.log.warn({ err: e }, 'could not record a refusal'));
}
