import type { CaseReason, ExpectedOutcome, OrderStatus, ProductType } from '../db/schema';
import type { RuleId, RuleValues } from '../rules/defaults';
import { feeAt } from '../shared/money';
import { goodsUnused, mistakeTerms, unusedOnlyRule, type MistakeTerms, type Resolution } from './mistake';
import { unitsRefund } from '../orders/proration';
import { systemText, unknownTime } from '../i18n/system-text';

/**
 * 审核 + 智能审核: the pure part of the after-sales engine. Facts the platform holds go in (order,
 * units, product policy, delivery and reveal times, top-up answer, buyer risk, the rule set, now);
 * a verdict comes out — refused with the rule that refused it, or accepted with where the case goes
 * (decided now, to the merchant, or to platform staff), the amount, and the rule that routed it.
 * No database, no clock: every input is an argument, so each situation is one table row in tests.
 */

export interface UnitFact {
  id: string;
  amount: number;
  status: 'pending' | 'delivered' | 'refunded';
  revealedAt: Date | null;
}

export interface CaseFacts {
  now: Date;
  rules: { version: number; values: RuleValues };
  order: {
    status: OrderStatus;
    productType: ProductType;
    paid: number;
    refunded: number;
    paidAt: Date | null;
    deliveredAt: Date | null;
  };
  product: { afterSalesWindowMinutes: number | null; promisedDeliveryMinutes: number | null; noReasonAllowed: boolean; noReasonFeeBp: number };
  units: UnitFact[];
  topup: { status: 'pending' | 'success' | 'failed' | 'partial' | 'timeout'; deliveredAmount: number | null } | null;
  buyerRisk: 'normal' | 'high';
  shopStatus: 'pending_deposit' | 'active' | 'suspended';
  hasOpenCase: boolean;
  /** Units already covered by a case that reached a final decision. */
  finalizedUnitIds: string[];
  /** 第三方佐证: what the upstream key checker answered for each key it was asked about. */
  keyChecks?: KeyCheckFact[];
}

export interface KeyCheckFact { unitId: string; result: 'unused' | 'redeemed' | 'unknown'; redeemedAt: Date | null }

export interface Application {
  reason: CaseReason;
  expectedOutcome: ExpectedOutcome;
  amount?: number;
  itemIds?: string[];
  /** 误拍: money back (default), wallet balance, or an exchange to another product of the shop. */
  resolution?: Resolution;
}

export type Route = 'auto_approve' | 'to_merchant' | 'to_staff';

export type Verdict =
  | { kind: 'invalid'; code: string; message: string }
  | { kind: 'refused'; code: string; rule: RuleId; message: string; details?: Record<string, unknown> }
  | {
      kind: 'accepted';
      route: Route;
      rule: RuleId;
      /** Selected units (claimable units of the order). */
      unitIds: string[];
      /** What the buyer asks for (0 for a reissue). */
      amount: number;
      /** For an automatic decision: the fee withheld (no-reason refunds) and the refund paid. */
      fee: number;
      refund: number;
      /** Unrevealed keys that go back to stock when the refund executes. */
      returnToStock: string[];
      /** Platform facts worth showing the merchant or staff (e.g. "the delivery log shows delivery"). */
      notes: string[];
      /** A buyer mistake decided later: the fee its resolution will pay (or have waived) on today's facts. */
      mistake?: MistakeTerms;
    };

const instantRule = 'aftersales.instant-refund-window' satisfies RuleId;
const refundableStatuses: OrderStatus[] = ['paid', 'delivering', 'delivered', 'partially_refunded', 'completed'];
const minutesBetween = (from: Date, to: Date) => (to.getTime() - from.getTime()) / 60_000;

/** The after-sales window for the reason and goods type: the product's own, else the rule. */
export function windowFor(facts: CaseFacts): { minutes: number; rule: RuleId } {
  const rule: RuleId = facts.order.productType === 'card_key' ? 'aftersales.card-key-report-window' : 'aftersales.other-window';
  return { minutes: facts.product.afterSalesWindowMinutes ?? facts.rules.values[rule], rule };
}

export function assess(facts: CaseFacts, application: Application): Verdict {
  const { order } = facts;
  const refundable = order.paid - order.refunded;
  if (!refundableStatuses.includes(order.status) || refundable <= 0) {
    return refused('ORDER_NOT_REFUNDABLE', 'aftersales.order-state', `an order that is ${order.status} with ${refundable} fen refundable cannot open a case`);
  }
  if (facts.hasOpenCase) return refused('CASE_ALREADY_OPEN', 'aftersales.one-open-case', 'this order already has an after-sales case in progress');

  const selection = selectUnits(facts, application);
  if ('kind' in selection) return selection;
  const { units } = selection;
  const unused = goodsUnused({ productType: order.productType, deliveredAt: order.deliveredAt, units });
  const options = mistakeOptions(application, unused);
  if (options) return options;
  // A coupon order refunds its units' share of what was paid (orders/proration.ts), the last unit the remainder.
  const unitsValue = unitsRefund({
    total: facts.units.reduce((sum, u) => sum + u.amount, 0), quantity: facts.units.length,
    refundedUnits: facts.units.filter((u) => u.status === 'refunded').length, units: units.length,
  });
  const cap = Math.min(unitsValue, refundable);
  const amount = requestedAmount(application, cap, order.productType);
  if (typeof amount !== 'number') return amount;

  const timing = checkTiming(facts, application, units);
  if (timing.kind !== 'accepted') return timing;
  const unitIds = units.map((u) => u.id);
  // A key the upstream reports redeemed is spent: it never goes back on sale.
  const redeemed = new Set((facts.keyChecks ?? []).filter((k) => k.result === 'redeemed').map((k) => k.unitId));
  const returnToStock = order.productType === 'card_key' ? units.filter((u) => !u.revealedAt && !redeemed.has(u.id)).map((u) => u.id) : [];
  let route = timing.route;
  const notes = [...timing.notes];
  let rule = timing.rule;
  if (route === 'auto_approve' && application.expectedOutcome === 'reissue') {
    route = 'to_merchant';
    rule = 'aftersales.merchant-response';
    notes.push(systemText('reissueByMerchant', 'zh'));
  }
  if (route === 'auto_approve' && facts.buyerRisk === 'high') {
    notes.push(systemText('highRiskBuyer', 'zh'));
    const person = facts.shopStatus === 'suspended' ? 'to_staff' : 'to_merchant';
    return { kind: 'accepted', route: person, rule: 'aftersales.high-risk-manual-review', unitIds, amount, fee: 0, refund: 0, returnToStock: [], notes };
  }
  if (route === 'to_merchant' && facts.shopStatus === 'suspended') {
    notes.push(systemText('shopSuspended', 'zh'));
    route = 'to_staff';
  }
  const fee = route === 'auto_approve' && application.reason === 'no_reason' && rule !== instantRule ? feeAt(amount, facts.product.noReasonFeeBp) : 0;
  const mistake = route === 'auto_approve' ? null : mistakeTerms({
    reason: application.reason, resolution: application.resolution ?? 'refund', amount, feeBp: facts.product.noReasonFeeBp, unused,
    delivered: order.deliveredAt !== null, rules: facts.rules.values,
  });
  return {
    kind: 'accepted', route, rule, unitIds, amount, fee,
    refund: route === 'auto_approve' ? amount - fee : 0, returnToStock: route === 'auto_approve' ? returnToStock : [], notes, ...(mistake ? { mistake } : {}),
  };
}

/** 换货 is a buyer-mistake remedy for the whole claim, and only for unused goods (a revealed key, a delivered service or top-up is used). */
function mistakeOptions(application: Application, unused: boolean): Verdict | null {
  if (application.resolution !== 'exchange') return null;
  if (application.reason !== 'buyer_mistake') return { kind: 'invalid', code: 'EXCHANGE_NEEDS_BUYER_MISTAKE', message: 'an exchange (换货) is offered for a buyer mistake (reason buyer_mistake)' };
  if (application.expectedOutcome !== 'full_refund') return { kind: 'invalid', code: 'EXCHANGE_NEEDS_FULL_REFUND', message: 'an exchange moves the whole value of the claimed units: ask for a full refund' };
  if (!unused) return refused('GOODS_USED', unusedOnlyRule, 'the goods were used (a key revealed, or delivered): an exchange is only for unused goods');
  return null;
}

function refused(code: string, rule: RuleId, message: string, details?: Record<string, unknown>): Verdict {
  return { kind: 'refused', code, rule, message, ...(details ? { details } : {}) };
}

function selectUnits(facts: CaseFacts, application: Application): { units: UnitFact[] } | Verdict {
  const requested = application.itemIds?.length ? application.itemIds : null;
  const open = facts.units.filter((u) => u.status !== 'refunded');
  if (requested) {
    const unknown = requested.filter((id) => !facts.units.some((u) => u.id === id));
    if (unknown.length) return { kind: 'invalid', code: 'ITEMS_NOT_IN_ORDER', message: 'some itemIds are not units of this order' };
  }
  const units = requested ? facts.units.filter((u) => requested.includes(u.id)) : open.filter((u) => !facts.finalizedUnitIds.includes(u.id));
  const repeated = units.filter((u) => u.status === 'refunded' || facts.finalizedUnitIds.includes(u.id));
  if (units.length === 0 || repeated.length > 0) {
    return refused('ALREADY_DECIDED', 'aftersales.no-repeat-after-final', 'these units were already refunded or decided; a repeated application is not accepted', { unitIds: repeated.map((u) => u.id) });
  }
  return { units };
}

function requestedAmount(application: Application, cap: number, productType: ProductType): number | Verdict {
  if (application.expectedOutcome === 'reissue') {
    if (productType !== 'card_key') return { kind: 'invalid', code: 'REISSUE_NOT_POSSIBLE', message: 'only card keys can be reissued (补发)' };
    return 0;
  }
  if (application.expectedOutcome === 'full_refund') {
    if (application.amount !== undefined && application.amount !== cap) {
      return application.amount > cap ? refused('REFUND_EXCEEDS_REFUNDABLE', 'aftersales.refund-cap', `at most ${cap} fen is refundable for these units`, { refundable: cap })
        : { kind: 'invalid', code: 'AMOUNT_MISMATCH', message: 'a full refund needs no amount (or the full refundable amount); ask for a partial refund instead' };
    }
    return cap;
  }
  if (application.amount === undefined) return { kind: 'invalid', code: 'AMOUNT_REQUIRED', message: 'a partial refund needs an amount in fen' };
  if (application.amount > cap) return refused('REFUND_EXCEEDS_REFUNDABLE', 'aftersales.refund-cap', `at most ${cap} fen is refundable for these units`, { refundable: cap });
  return application.amount;
}

type Timing = Verdict | { kind: 'accepted'; route: Route; rule: RuleId; notes: string[] };

function checkTiming(facts: CaseFacts, application: Application, units: UnitFact[]): Timing {
  const { order, now } = facts;
  const values = facts.rules.values;
  if (!order.deliveredAt) return beforeDelivery(facts, application);

  const sinceDelivery = minutesBetween(order.deliveredAt, now);
  const window = windowFor(facts);
  const upstream = keyCheckFindings(facts, order.deliveredAt, units);
  if (application.reason === 'key_invalid' && upstream.redeemedBeforeDelivery && sinceDelivery <= window.minutes) {
    return { kind: 'accepted', route: 'auto_approve', rule: 'aftersales.key-redeemed-before-sale', notes: upstream.notes };
  }
  const allUnrevealed = units.every((u) => !u.revealedAt);
  if (order.productType === 'card_key' && allUnrevealed && sinceDelivery <= values[instantRule]) {
    return { kind: 'accepted', route: 'auto_approve', rule: instantRule, notes: [systemText('instantUnviewed', 'zh')] };
  }
  if (application.reason === 'no_reason') {
    if (!facts.product.noReasonAllowed) return refused('NO_REASON_NOT_ALLOWED', 'aftersales.no-reason-default', 'this product does not offer no-reason refunds');
    if (order.productType === 'card_key' && !allUnrevealed) {
      return refused('KEY_REVEALED', 'aftersales.no-reason-revealed', 'a revealed key cannot be refunded without a reason (消保法 第25条); report a problem with the key instead');
    }
  }
  if (sinceDelivery > window.minutes) {
    return refused('REFUND_WINDOW_CLOSED', window.rule, `the after-sales window of ${window.minutes} minutes after delivery has passed`, {
      deliveredAt: order.deliveredAt.toISOString(), windowMinutes: window.minutes, windowSource: facts.product.afterSalesWindowMinutes ? 'product' : 'rule',
    });
  }
  if (application.reason === 'no_reason') return { kind: 'accepted', route: 'auto_approve', rule: 'aftersales.no-reason-refund', notes: [] };
  const notes: string[] = [];
  if (application.reason === 'not_delivered') notes.push(systemText('deliveryRecord', 'zh', { at: order.deliveredAt.toISOString() }));
  if (order.productType === 'card_key') {
    const revealed = units.filter((u) => u.revealedAt).length;
    notes.push(systemText('keysViewed', 'zh', { viewed: revealed, total: units.length }));
  }
  notes.push(...upstream.notes);
  if (facts.topup) {
    const { status, deliveredAmount } = facts.topup;
    notes.push(deliveredAmount !== null ? systemText('topupArrived', 'zh', { status, amount: deliveredAmount }) : systemText('topupCallback', 'zh', { status }));
  }
  return { kind: 'accepted', route: 'to_merchant', rule: 'aftersales.merchant-response', notes };
}

function beforeDelivery(facts: CaseFacts, application: Application): Timing {
  const { order, now } = facts;
  if (order.productType === 'topup') {
    return refused('TOPUP_IN_PROGRESS', 'aftersales.topup-auto-refund', 'the top-up is still with the supplier; a failure or timeout is refunded automatically');
  }
  if (order.productType === 'manual' && order.paidAt) {
    const deliverBy = new Date(order.paidAt.getTime() + (facts.product.promisedDeliveryMinutes ?? 0) * 60_000);
    const late = now > deliverBy;
    if (application.reason === 'not_delivered') {
      if (late) return { kind: 'accepted', route: 'auto_approve', rule: 'aftersales.manual-promised-time', notes: [systemText('promisedTimePassed', 'zh', { at: deliverBy.toISOString() })] };
      return refused('DELIVERY_NOT_YET_DUE', 'aftersales.manual-promised-time', `the merchant promised delivery by ${deliverBy.toISOString()}; apply after that if nothing arrives`, { deliverBy: deliverBy.toISOString() });
    }
    return { kind: 'accepted', route: 'to_merchant', rule: 'aftersales.merchant-response', notes: [systemText(late ? 'pastPromisedTime' : 'notDeliveredYet', 'zh')] };
  }
  return { kind: 'accepted', route: 'to_merchant', rule: 'aftersales.merchant-response', notes: [systemText('notDeliveredYet', 'zh')] };
}

/**
 * The key checker's answers for the claimed units: a key redeemed before the platform delivered it
 * was sold already used (the merchant's fault); one redeemed after delivery is evidence against a
 * claim that it never worked, for the merchant and staff to weigh — never a decision by itself.
 */
export function keyCheckFindings(facts: CaseFacts, deliveredAt: Date, units: UnitFact[]): { redeemedBeforeDelivery: boolean; notes: string[] } {
  const ids = new Set(units.map((u) => u.id));
  const checks = (facts.keyChecks ?? []).filter((k) => ids.has(k.unitId));
  const before = checks.filter((k) => k.result === 'redeemed' && k.redeemedAt && k.redeemedAt < deliveredAt);
  const after = checks.filter((k) => k.result === 'redeemed' && !(k.redeemedAt && k.redeemedAt < deliveredAt));
  const notes: string[] = [];
  if (before.length) notes.push(systemText('redeemedBeforeDelivery', 'zh', { n: before.length, at: deliveredAt.toISOString() }));
  if (after.length) notes.push(systemText('redeemedAfterDelivery', 'zh', { n: after.length, times: after.map((k) => k.redeemedAt?.toISOString() ?? unknownTime.zh).join('、') }));
  const unused = checks.filter((k) => k.result === 'unused').length;
  if (unused) notes.push(systemText('keysUnused', 'zh', { n: unused }));
  const unknown = checks.filter((k) => k.result === 'unknown').length;
  if (unknown) notes.push(systemText('keysUnchecked', 'zh', { n: unknown }));
  return { redeemedBeforeDelivery: before.length > 0, notes };
}

/** Merchant silence past the deadline decides for the buyer: the full request, or the asked-for reissue. */
export function silenceDecision(expectedOutcome: ExpectedOutcome): 'refund' | 'partial' | 'reissue' {
  return expectedOutcome === 'reissue' ? 'reissue' : expectedOutcome === 'partial_refund' ? 'partial' : 'refund';
}
