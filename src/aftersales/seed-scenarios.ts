import type { ProductType } from '../db/schema';
import { defaultRuleValues, type RuleId } from '../rules/defaults';
import type { Application, CaseFacts, KeyCheckFact, Route, UnitFact } from './rules';
import { assess } from './rules';
import { dueDeadlineActions, type DeadlineAction, type DeadlineFacts } from './deadline-rules';

/**
 * 种子场景: every concrete after-sales situation the five seed articles (/work/shared/seeds/*.txt)
 * describe, as facts the platform holds plus what the buyer applies for, with the verdict the pure
 * rules (rules.ts `assess`) give under rule set version 1. One row per situation; the tests in
 * rules.test.ts run them all and count how many the platform's records decide without a person.
 *
 * Times are fixed: the default order is paid and delivered at T0 (2024-08-15 14:00 Beijing time).
 */

export const seeds = {
  s000: '000_706f44e6850ddb65.txt', // 卡盟举报退款流程如何?影响退款成功率吗?
  s001: '001_3613e3e8e027351b.txt', // 如何申请卡盟退款 / 满足哪些条件才能退款成功
  s002: '002_076c934584ad8c4d.txt', // 卡盟退款服务靠谱吗,真的能拿到退款?
  s003: '003_d0ffe8b041317533.txt', // 卡盟消费资金追回的逻辑与流程
  s004: '004_dc711ee140b9940a.txt', // 卡盟平台下单后还能退单吗?如何操作才能成功?
} as const;
export type SeedFile = (typeof seeds)[keyof typeof seeds];

/** Paid and delivered (2024-08-15 14:00 +08:00). */
export const T0 = new Date('2024-08-15T06:00:00.000Z');
/** T0 plus some minutes (fractions allowed): every time in the table is an explicit Date. */
export const at = (minutes: number): Date => new Date(T0.getTime() + minutes * 60_000);
export const hours = (h: number): number => h * 60;

/** ¥50, in fen. */
export const price = 5000;

export const unit = (id: string, over: Partial<Omit<UnitFact, 'id'>> = {}): UnitFact => ({
  id, amount: price, status: 'delivered', revealedAt: null, ...over,
});

/** N delivered keys key-1..key-N; `revealed` maps a key number to the minute (after T0) it was revealed. */
export const keys = (n: number, revealed: Record<number, number> = {}): UnitFact[] =>
  Array.from({ length: n }, (_, i) => unit(`key-${i + 1}`, { revealedAt: revealed[i + 1] !== undefined ? at(revealed[i + 1]) : null }));

export interface FactsInput {
  now?: Date;
  productType?: ProductType;
  order?: Partial<CaseFacts['order']>;
  product?: Partial<CaseFacts['product']>;
  units?: UnitFact[];
  topup?: CaseFacts['topup'];
  buyerRisk?: CaseFacts['buyerRisk'];
  shopStatus?: CaseFacts['shopStatus'];
  hasOpenCase?: boolean;
  finalizedUnitIds?: string[];
  keyChecks?: KeyCheckFact[];
}

/**
 * The facts of one case, defaults filled: a ¥50 card-key order (one key, unrevealed) paid and
 * delivered at T0, looked at 30 minutes later; normal buyer, active shop, no case open or decided,
 * rule set version 1 with the default values, the product allowing no no-reason refunds.
 */
export function caseFacts(input: FactsInput = {}): CaseFacts {
  const productType = input.productType ?? 'card_key';
  const units = input.units ?? [unit(productType === 'card_key' ? 'key-1' : productType === 'topup' ? 'topup-1' : 'svc-1')];
  return {
    now: input.now ?? at(30),
    rules: { version: 1, values: defaultRuleValues() },
    order: {
      status: 'delivered', productType, paid: units.reduce((sum, u) => sum + u.amount, 0), refunded: 0, paidAt: T0, deliveredAt: T0,
      ...input.order,
    },
    product: {
      afterSalesWindowMinutes: null, promisedDeliveryMinutes: productType === 'manual' ? 120 : null, noReasonAllowed: false, noReasonFeeBp: 0,
      ...input.product,
    },
    units,
    topup: input.topup ?? (productType === 'topup' ? { status: 'success', deliveredAmount: units.reduce((sum, u) => sum + u.amount, 0) } : null),
    buyerRisk: input.buyerRisk ?? 'normal',
    shopStatus: input.shopStatus ?? 'active',
    hasOpenCase: input.hasOpenCase ?? false,
    finalizedUnitIds: input.finalizedUnitIds ?? [],
    keyChecks: input.keyChecks ?? [],
  };
}

/** 第三方佐证: the upstream checker's answer for a key, redeemed `minutes` after T0 (negative: before the sale). */
export const redeemedAt = (unitId: string, minutes: number): KeyCheckFact => ({ unitId, result: 'redeemed', redeemedAt: at(minutes) });
export const unusedKey = (unitId: string): KeyCheckFact => ({ unitId, result: 'unused', redeemedAt: null });

/** Paid at T0, not delivered yet (a manual order waiting for the merchant, a top-up waiting for the supplier). */
export const undelivered = (productType: ProductType, now: Date, over: Omit<FactsInput, 'productType' | 'now'> = {}): CaseFacts => {
  const id = productType === 'card_key' ? 'key-1' : productType === 'topup' ? 'topup-1' : 'svc-1';
  return caseFacts({
    productType, now, units: [unit(id, { status: 'pending' })],
    topup: productType === 'topup' ? { status: 'pending', deliveredAmount: null } : null,
    ...over,
    order: { status: productType === 'card_key' ? 'paid' : 'delivering', deliveredAt: null, ...over.order },
  });
};

export type Expected =
  | { kind: 'invalid'; code: string }
  | { kind: 'refused'; rule: RuleId; code: string }
  | { kind: 'accepted'; route: Route; rule: RuleId; amount: number; refund: number; fee?: number; returnToStock?: string[] };

export interface SeedScenario {
  id: string;
  /** The situation, as the articles put it. */
  label: string;
  source: SeedFile;
  /** The seed text the row comes from. */
  quote: string;
  facts: CaseFacts;
  application: Application;
  /** What rules.ts decides (rule set version 1). */
  expected: Expected;
  /** Where the decision differs from what the seed text or DESIGN.md suggests (see the test report). */
  concern?: string;
}

const toMerchant = (amount: number): Expected => ({ kind: 'accepted', route: 'to_merchant', rule: 'aftersales.merchant-response', amount, refund: 0, fee: 0 });
const instant = (amount: number, returnToStock: string[]): Expected => ({ kind: 'accepted', route: 'auto_approve', rule: 'aftersales.instant-refund-window', amount, refund: amount, fee: 0, returnToStock });
const refusedBy = (rule: RuleId, code: string): Expected => ({ kind: 'refused', rule, code });
const soldUsed = (amount: number): Expected => ({ kind: 'accepted', route: 'auto_approve', rule: 'aftersales.key-redeemed-before-sale', amount, refund: amount, fee: 0, returnToStock: [] });

export const seedScenarios: SeedScenario[] = [
  // ── 000 卡盟举报退款流程 ─────────────────────────────────────────────────────────────
  {
    id: '000-key-not-received-30min', label: '点卡付款 30 分钟未收到卡密，卖家已读未回', source: seeds.s000,
    quote: '购买游戏点卡后30分钟未收到卡密,订单号202308150001,与卖家聊天记录显示对方已读未回',
    facts: caseFacts({ now: at(30) }),
    application: { reason: 'not_delivered', expectedOutcome: 'full_refund' },
    expected: toMerchant(price),
  },
  {
    id: '000-key-invalid-screenshot', label: '卡密兑换提示“卡密无效”，附截图', source: seeds.s000,
    quote: '商品失效的截图(如游戏提示“卡密无效”的界面)',
    facts: caseFacts({ now: at(15), units: keys(1, { 1: 2 }) }),
    application: { reason: 'key_invalid', expectedOutcome: 'full_refund' },
    expected: toMerchant(price),
  },
  {
    id: '000-report-after-1h', label: '卡密问题 2 小时后才反馈（规则要求 1 小时内）', source: seeds.s000,
    quote: '某平台规定“卡密类商品需在购买后1小时内反馈问题”,若用户2小时后才发现问题,即使证据充分也可能被拒',
    facts: caseFacts({ now: at(120), units: keys(1, { 1: 100 }) }),
    application: { reason: 'key_invalid', expectedOutcome: 'full_refund' },
    expected: refusedBy('aftersales.card-key-report-window', 'REFUND_WINDOW_CLOSED'),
  },
  {
    id: '000-wrong-reason-no-reason', label: '卡密有问题却误选“无理由”（已查看卡密）', source: seeds.s000,
    quote: '若选择错误(如误选“七天无理由”可能被驳回),需重新提交',
    facts: caseFacts({ now: at(20), units: keys(1, { 1: 3 }), product: { noReasonAllowed: true, noReasonFeeBp: 500 } }),
    application: { reason: 'no_reason', expectedOutcome: 'full_refund' },
    expected: refusedBy('aftersales.no-reason-revealed', 'KEY_REVEALED'),
  },
  {
    id: '000-resubmit-while-open', label: '售后处理中再次提交申请', source: seeds.s000,
    quote: '若选择错误...需重新提交；平台系统首先审核...是否存在重复退款记录',
    facts: caseFacts({ now: at(40), units: keys(1, { 1: 3 }), hasOpenCase: true }),
    application: { reason: 'key_invalid', expectedOutcome: 'full_refund' },
    expected: refusedBy('aftersales.one-open-case', 'CASE_ALREADY_OPEN'),
  },
  {
    id: '000-repeat-after-rejection', label: '被驳回后就同一卡密重复申请', source: seeds.s000,
    quote: '平台系统首先审核...是否存在重复退款记录',
    facts: caseFacts({ now: at(50), units: keys(1, { 1: 3 }), finalizedUnitIds: ['key-1'] }),
    application: { reason: 'key_invalid', expectedOutcome: 'full_refund' },
    expected: refusedBy('aftersales.no-repeat-after-final', 'ALREADY_DECIDED'),
  },
  {
    id: '000-completed-order', label: '已确认收货（订单已完成）后在时限内反馈卡密无效', source: seeds.s000,
    quote: '若订单状态为“已完成”“已使用”,系统可能直接驳回',
    facts: caseFacts({ now: at(20), units: keys(1, { 1: 5 }), order: { status: 'completed' } }),
    application: { reason: 'key_invalid', expectedOutcome: 'full_refund' },
    expected: toMerchant(price),
  },
  {
    id: '000-manual-promised-time-passed', label: '人工商品超过卖家承诺发货时间仍未发货', source: seeds.s000,
    quote: '商品未到货的聊天记录(需包含卖家承诺发货时间、实际未发货的证据)',
    facts: undelivered('manual', at(180)),
    application: { reason: 'not_delivered', expectedOutcome: 'full_refund' },
    expected: { kind: 'accepted', route: 'auto_approve', rule: 'aftersales.manual-promised-time', amount: price, refund: price, fee: 0, returnToStock: [] },
  },
  {
    id: '000-equipment-not-as-described', label: '游戏装备与卖家承诺（稀有装备）不符', source: seeds.s000,
    quote: '某用户购买游戏装备后无法使用...未提供“卖家承诺为稀有装备”的聊天记录',
    facts: caseFacts({ productType: 'manual', now: at(hours(5)), order: { paidAt: at(-60) } }),
    application: { reason: 'not_as_described', expectedOutcome: 'full_refund' },
    expected: toMerchant(price),
  },
  {
    id: '000-used-key-claimed-invalid', label: '已使用（已查看）卡密后称无效，卖家可举证已交付', source: seeds.s000,
    quote: '若卖家能证明商品已有效交付(如用户已使用卡密),则驳回退款',
    facts: caseFacts({ now: at(40), units: keys(1, { 1: 1 }) }),
    application: { reason: 'key_invalid', expectedOutcome: 'full_refund' },
    expected: toMerchant(price),
  },
  {
    id: '000-no-reason-with-fee', label: '商品支持无理由退款但扣手续费（5%），卡密未查看', source: seeds.s000,
    quote: '有的支持“虚拟商品无理由退款”,但需扣除手续费',
    facts: caseFacts({ now: at(30), product: { noReasonAllowed: true, noReasonFeeBp: 500 } }),
    application: { reason: 'no_reason', expectedOutcome: 'full_refund' },
    expected: { kind: 'accepted', route: 'auto_approve', rule: 'aftersales.no-reason-refund', amount: price, refund: 4750, fee: 250, returnToStock: ['key-1'] },
  },
  {
    id: '000-within-72h-window', label: '售后期 72 小时的商品，50 小时后申请', source: seeds.s000,
    quote: '订单是否在售后期内(虚拟商品通常为24-72小时)',
    facts: caseFacts({ productType: 'manual', now: at(hours(50)), product: { afterSalesWindowMinutes: 4320 }, order: { paidAt: at(-60) } }),
    application: { reason: 'not_as_described', expectedOutcome: 'full_refund' },
    expected: toMerchant(price),
  },

  {
    id: '000-used-key-upstream-after-sale', label: '称卡密无效，上游核验显示发货后已被兑换（卖家可举证已使用）', source: seeds.s000,
    quote: '若卖家能证明商品已有效交付(如用户已使用卡密),则驳回退款',
    facts: caseFacts({ now: at(40), units: keys(1, { 1: 1 }), keyChecks: [redeemedAt('key-1', 2)] }),
    application: { reason: 'key_invalid', expectedOutcome: 'full_refund' },
    expected: toMerchant(price),
    concern: 'redeemed after delivery is evidence against the claim, shown to the merchant and staff; it never rejects on its own',
  },

  // ── 001 如何申请卡盟退款 ─────────────────────────────────────────────────────────────
  {
    id: '001-topup-overdue-pending', label: '会员直充超时未到账（上游仍在处理）', source: seeds.s001,
    quote: '商品未按约定时间发货,如用户购买的游戏点卡、会员服务等超时未到账',
    facts: undelivered('topup', at(20)),
    application: { reason: 'not_delivered', expectedOutcome: 'full_refund' },
    expected: refusedBy('aftersales.topup-auto-refund', 'TOPUP_IN_PROGRESS'),
  },
  {
    id: '001-activation-invalid-code', label: '两张卡密中一张激活提示“无效码”，只退这一张', source: seeds.s001,
    quote: '说明“商品激活提示无效码”“下单后重复购买”等细节',
    facts: caseFacts({ now: at(20), units: keys(2, { 1: 1, 2: 2 }) }),
    application: { reason: 'key_invalid', expectedOutcome: 'full_refund', itemIds: ['key-2'] },
    expected: toMerchant(price),
  },
  {
    id: '001-duplicate-order-instant', label: '重复下单，3 分钟内卡密未查看', source: seeds.s001,
    quote: '用户操作失误,如误拍错买、重复下单等',
    facts: caseFacts({ now: at(3) }),
    application: { reason: 'buyer_mistake', expectedOutcome: 'full_refund' },
    expected: instant(price, ['key-1']),
  },
  {
    id: '001-manual-not-yet-due', label: '承诺 2 小时发货，1 小时后就申请未发货退款', source: seeds.s001,
    quote: '因未发货退款,可提供订单状态截图(显示“待发货”超过承诺时间)',
    facts: undelivered('manual', at(60)),
    application: { reason: 'not_delivered', expectedOutcome: 'full_refund' },
    expected: refusedBy('aftersales.manual-promised-time', 'DELIVERY_NOT_YET_DUE'),
  },
  {
    id: '001-not-delivered-after-1h', label: '卡密发货 1.5 小时后才申请“未发货”退款', source: seeds.s001,
    quote: '虚拟商品通常在发货后1小时内可申请未发货退款,超过时间则仅支持质量问题退款',
    facts: caseFacts({ now: at(90) }),
    application: { reason: 'not_delivered', expectedOutcome: 'full_refund' },
    expected: refusedBy('aftersales.card-key-report-window', 'REFUND_WINDOW_CLOSED'),
  },
  {
    id: '001-service-no-reason', label: '代练等虚拟服务申请无理由退款', source: seeds.s001,
    quote: '部分平台对“虚拟服务类”(如代练、代充)不支持无理由退款',
    facts: caseFacts({ productType: 'manual', now: at(hours(3)), order: { paidAt: at(-60) } }),
    application: { reason: 'no_reason', expectedOutcome: 'full_refund' },
    expected: refusedBy('aftersales.no-reason-default', 'NO_REASON_NOT_ALLOWED'),
  },
  {
    id: '001-stock-out-not-delivered', label: '商品缺货 / 系统故障，已付款未发卡', source: seeds.s001,
    quote: '若因平台责任(如商品缺货、系统故障未发货),用户只需提供订单截图即可',
    facts: undelivered('card_key', at(30)),
    application: { reason: 'not_delivered', expectedOutcome: 'full_refund' },
    expected: toMerchant(price),
    concern: 'DESIGN.md 智能审核 lists "stock ran out" as decided now; assess has no stock fact and sends a paid, undelivered card-key order to the merchant',
  },
  {
    id: '001-high-risk-buyer', label: '滥用退款被列入高风险名单的买家申请秒退', source: seeds.s001,
    quote: '用户需避免滥用退款权利,否则可能被平台列入“高风险用户”名单',
    facts: caseFacts({ now: at(3), buyerRisk: 'high' }),
    application: { reason: 'buyer_mistake', expectedOutcome: 'full_refund' },
    expected: { kind: 'accepted', route: 'to_merchant', rule: 'aftersales.high-risk-manual-review', amount: price, refund: 0, fee: 0 },
  },
  {
    id: '001-refund-above-paid', label: '申请退款金额超过实际支付金额', source: seeds.s001,
    quote: '仅退还实际支付金额,若用户已使用优惠券或积分,需按平台规则折算',
    facts: caseFacts({ now: at(20), units: keys(1, { 1: 2 }) }),
    application: { reason: 'key_invalid', expectedOutcome: 'partial_refund', amount: 6000 },
    expected: refusedBy('aftersales.refund-cap', 'REFUND_EXCEEDS_REFUNDABLE'),
  },

  {
    id: '001-invalid-code-upstream-before-sale', label: '激活提示“无效码”（卡密未查看、3 分钟内），上游核验：售出前已被兑换', source: seeds.s001,
    quote: '说明“商品激活提示无效码”...这有助于客服快速判断责任方',
    facts: caseFacts({ now: at(3), keyChecks: [redeemedAt('key-1', -600)] }),
    application: { reason: 'key_invalid', expectedOutcome: 'full_refund' },
    expected: soldUsed(price),
    concern: 'decided by the key check, not 秒退: a key sold already used must not go back on sale',
  },

  // ── 002 卡盟退款服务靠谱吗 ───────────────────────────────────────────────────────────
  {
    id: '002-invalid-key-reissue', label: '卡密无效，要求商家补发', source: seeds.s002,
    quote: '若...商家提供的卡密无效且无法补发,平台需承担退款责任；优质商家...主动补发或退款',
    facts: caseFacts({ now: at(25), units: keys(1, { 1: 4 }) }),
    application: { reason: 'key_invalid', expectedOutcome: 'reissue' },
    expected: toMerchant(0),
  },
  {
    id: '002-topup-failed-refunded', label: '系统故障充值失败（平台已自动全额退款）后再申请', source: seeds.s002,
    quote: '若因平台系统故障导致充值失败...平台需承担退款责任',
    facts: caseFacts({
      productType: 'topup', now: at(40), units: [unit('topup-1', { status: 'refunded' })],
      order: { status: 'refunded', refunded: price, deliveredAt: null }, topup: { status: 'failed', deliveredAmount: 0 },
    }),
    application: { reason: 'not_delivered', expectedOutcome: 'full_refund' },
    expected: refusedBy('aftersales.order-state', 'ORDER_NOT_REFUNDABLE'),
  },
  {
    id: '002-topup-wrong-account', label: '直充时用户填错充值账号（已成功到账）', source: seeds.s002,
    quote: '若因用户输入错误账号、主动取消订单等个人原因,则可能无法退款',
    facts: caseFacts({ productType: 'topup', now: at(60) }),
    application: { reason: 'buyer_mistake', expectedOutcome: 'full_refund' },
    expected: toMerchant(price),
  },
  {
    id: '002-merchant-ran-away', label: '商家跑路（店铺被封停），卡密无效', source: seeds.s002,
    quote: '若商家违规跑路,平台需根据其保证金制度或担保协议进行赔付',
    facts: caseFacts({ now: at(20), units: keys(1, { 1: 2 }), shopStatus: 'suspended' }),
    application: { reason: 'key_invalid', expectedOutcome: 'full_refund' },
    expected: { kind: 'accepted', route: 'to_staff', rule: 'aftersales.merchant-response', amount: price, refund: 0, fee: 0 },
  },
  {
    id: '002-dont-like-it', label: '“个人不喜欢”要求退款，商品无质量问题（卡密未查看、已过秒退）', source: seeds.s002,
    quote: '用户因“个人不喜欢商品”要求退款,而商品本身无质量问题,这种诉求通常难以得到支持',
    facts: caseFacts({ now: at(30) }),
    application: { reason: 'no_reason', expectedOutcome: 'full_refund' },
    expected: refusedBy('aftersales.no-reason-default', 'NO_REASON_NOT_ALLOWED'),
  },
  {
    id: '002-expired-24h-window', label: '未及时测试，超过商家承诺的 24 小时售后期才发现卡密过期', source: seeds.s002,
    quote: '某用户购买游戏点卡后未立即测试,待发现卡密过期时已超过商家承诺的“24小时售后期”',
    facts: caseFacts({ now: at(hours(26)), units: keys(1, { 1: hours(26) - 5 }), product: { afterSalesWindowMinutes: 1440 } }),
    application: { reason: 'key_invalid', expectedOutcome: 'full_refund' },
    expected: refusedBy('aftersales.card-key-report-window', 'REFUND_WINDOW_CLOSED'),
    concern: 'the refusal cites aftersales.card-key-report-window (value 60) although the product\'s own 1440-minute window applied',
  },

  // ── 003 卡盟消费资金追回 ─────────────────────────────────────────────────────────────
  {
    id: '003-topup-timeout-refunded', label: '充值未到账，上游超时平台已自动退款后再申请', source: seeds.s003,
    quote: '充值未到账是最常见的问题——...资金往往处于“支付成功但未交付”的悬置状态',
    facts: caseFacts({
      productType: 'topup', now: at(45), units: [unit('topup-1', { status: 'refunded' })],
      order: { status: 'refunded', refunded: price, deliveredAt: null }, topup: { status: 'timeout', deliveredAmount: 0 },
    }),
    application: { reason: 'not_delivered', expectedOutcome: 'full_refund' },
    expected: refusedBy('aftersales.order-state', 'ORDER_NOT_REFUNDABLE'),
  },
  {
    id: '003-shop-closed-instant', label: '付款后商家直接关闭店铺，卡密未查看即申请', source: seeds.s003,
    quote: '消费者付款后商家直接关闭店铺,资金追回陷入“无人负责”的困境',
    facts: caseFacts({ now: at(2), shopStatus: 'suspended' }),
    application: { reason: 'not_delivered', expectedOutcome: 'full_refund' },
    expected: instant(price, ['key-1']),
  },
  {
    id: '003-fake-code-merchant-silent', label: '低价无效激活码，商家失联（店铺仍在）', source: seeds.s003,
    quote: '部分商家以低价诱骗消费者购买无效激活码...待交易完成便失联',
    facts: caseFacts({ now: at(10), units: keys(1, { 1: 1 }) }),
    application: { reason: 'key_invalid', expectedOutcome: 'full_refund' },
    expected: toMerchant(price),
  },
  {
    id: '003-cancel-before-delivery', label: '人工商品发货前买家主动取消订单', source: seeds.s003,
    quote: '若责任在消费者(如输入错误账号、主动取消订单),则可能不予退款',
    facts: undelivered('manual', at(30)),
    application: { reason: 'buyer_mistake', expectedOutcome: 'full_refund' },
    expected: toMerchant(price),
  },
  {
    id: '003-account-login-late', label: '虚拟账号无法登录，发货 30 小时后才申请', source: seeds.s003,
    quote: '若购买的是虚拟账号,可提供账号无法登录的截图',
    facts: caseFacts({ productType: 'manual', now: at(hours(30)), order: { paidAt: at(-60) } }),
    application: { reason: 'not_as_described', expectedOutcome: 'full_refund' },
    expected: refusedBy('aftersales.other-window', 'REFUND_WINDOW_CLOSED'),
  },

  {
    id: '003-fake-code-upstream-before-sale', label: '低价无效激活码，上游（游戏官方）核验：售出前已被兑换', source: seeds.s003,
    quote: '部分平台会要求消费者提供“第三方佐证”,例如若购买的是游戏点卡,可提供游戏官方客服的未充值记录',
    facts: caseFacts({ now: at(10), units: keys(1, { 1: 1 }), keyChecks: [redeemedAt('key-1', -24 * 60)] }),
    application: { reason: 'key_invalid', expectedOutcome: 'full_refund' },
    expected: soldUsed(price),
  },

  // ── 004 下单后还能退单吗 ─────────────────────────────────────────────────────────────
  {
    id: '004-topup-partial', label: '直充部分到账：订单 50 元，实际到账 10 元（差额已自动退）', source: seeds.s004,
    quote: '充值到账错误,实际到账10元,订单显示50元',
    facts: caseFacts({
      productType: 'topup', now: at(20), order: { status: 'partially_refunded', refunded: 4000 },
      topup: { status: 'partial', deliveredAmount: 1000 },
    }),
    application: { reason: 'wrong_amount', expectedOutcome: 'full_refund' },
    expected: toMerchant(1000),
  },
  {
    id: '004-key-already-activated', label: '三张卡密中一张提示“已被激活”', source: seeds.s004,
    quote: '卡密无法使用,提示“已被激活”',
    facts: caseFacts({ now: at(10), units: keys(3, { 1: 1 }) }),
    application: { reason: 'key_invalid', expectedOutcome: 'full_refund', itemIds: ['key-1'] },
    expected: toMerchant(price),
  },
  {
    id: '004-key-activated-upstream-before-sale', label: '卡密提示“已被激活”，上游核验：三张中一张在售出前已被兑换', source: seeds.s004,
    quote: '卡密无法使用,提示‘已被激活’',
    facts: caseFacts({ now: at(10), units: keys(3, { 1: 1 }), keyChecks: [redeemedAt('key-1', -90), unusedKey('key-2'), unusedKey('key-3')] }),
    application: { reason: 'key_invalid', expectedOutcome: 'full_refund', itemIds: ['key-1'] },
    expected: soldUsed(price),
  },
  {
    id: '004-unused-keys-instant', label: '三张卡密用了一张，4 分钟内退回未使用的两张', source: seeds.s004,
    quote: '若为“未使用”的实物卡密(如未激活的游戏点卡卡密),退单成功率较高',
    facts: caseFacts({ now: at(4), units: keys(3, { 1: 1 }) }),
    application: { reason: 'buyer_mistake', expectedOutcome: 'full_refund', itemIds: ['key-2', 'key-3'] },
    expected: instant(2 * price, ['key-2', 'key-3']),
  },
  {
    id: '004-instant-window-passed', label: '自动发货商品超过 5 分钟秒退窗口（卡密未查看）', source: seeds.s004,
    quote: '部分卡盟平台对“自动发货”商品设置了“秒退”窗口(如下单后5分钟内),超时则视为确认收货',
    facts: caseFacts({ now: at(6) }),
    application: { reason: 'buyer_mistake', expectedOutcome: 'full_refund' },
    expected: toMerchant(price),
  },
  {
    id: '004-topup-success-no-reason', label: '充值成功到账后申请无理由退单', source: seeds.s004,
    quote: '若为“已到账”的充值服务...平台通常以“商品已交付”为由拒绝退单；恶意退款(如“充值成功后申请退单”)',
    facts: caseFacts({ productType: 'topup', now: at(30) }),
    application: { reason: 'no_reason', expectedOutcome: 'full_refund' },
    expected: refusedBy('aftersales.no-reason-default', 'NO_REASON_NOT_ALLOWED'),
  },
  {
    id: '004-custom-service-partial', label: '代练/账号租赁服务未达约定，申请部分退款', source: seeds.s004,
    quote: '若为“定制化虚拟服务”(如代练、账号租赁),则因涉及人工成本,退单争议更大',
    facts: caseFacts({ productType: 'manual', now: at(hours(6)), order: { paidAt: at(-90) } }),
    application: { reason: 'not_as_described', expectedOutcome: 'partial_refund', amount: 2000 },
    expected: toMerchant(2000),
  },
  {
    id: '004-wrong-denomination', label: '买错面值（月卡买成季卡），卡密已查看', source: seeds.s004,
    quote: '特别是“区分卡密与直充”“区分月卡与季卡”等易混淆选项',
    facts: caseFacts({ now: at(12), units: keys(1, { 1: 8 }) }),
    application: { reason: 'buyer_mistake', expectedOutcome: 'full_refund' },
    expected: toMerchant(price),
  },
];

/** A case row for the deadline rules: opened at T0, nothing decided yet. */
export function deadlineFacts(now: Date, over: Partial<DeadlineFacts['case']> = {}): DeadlineFacts {
  return {
    now, rules: { values: defaultRuleValues() },
    case: { status: 'under_arbitration', expectedOutcome: 'full_refund', createdAt: T0, merchantBy: null, decisionBy: null, decidedAt: null, overdueAt: null, externalNoticeAt: null, ...over },
  };
}

export interface DeadlineScenario {
  id: string;
  label: string;
  source: SeedFile;
  quote: string;
  facts: DeadlineFacts;
  /** What the deadline rules do on their own at `facts.now` (deadline-rules.ts `dueDeadlineActions`). */
  expected: Array<DeadlineAction['kind']>;
}

/** 2024-08-15 is a Thursday: 3 business days later is Tuesday 2024-08-20, 15 business days later 2024-09-05. */
export const deadlineScenarios: DeadlineScenario[] = [
  {
    id: '003-merchant-silent-24h', label: '商家 24 小时内未回应，平台按规则支持买家', source: seeds.s003,
    quote: '可设定合理期限(如24小时内),若超时未回应,应立即升级至平台介入环节',
    facts: deadlineFacts(at(hours(24) + 1), { status: 'awaiting_merchant', merchantBy: at(hours(24)) }),
    expected: ['decide_for_buyer'],
  },
  {
    id: '000-arbitration-past-3-5-days', label: '平台介入后超过 3 个工作日未判定：标记逾期、置顶、通知管理员', source: seeds.s000,
    quote: '判定结果通常在3-5个工作日内反馈',
    facts: deadlineFacts(new Date('2024-08-20T07:00:00.000Z'), { decisionBy: new Date('2024-08-20T06:00:00.000Z') }),
    expected: ['flag_overdue'],
  },
  {
    id: '000-no-answer-15-business-days', label: '超过 15 个工作日未判定：告知买家证据包和 12315 / 支付渠道投诉', source: seeds.s000,
    quote: '第三方介入通常需满足“平台处理超时(如超过15个工作日未反馈)”',
    facts: deadlineFacts(new Date('2024-09-05T07:00:00.000Z'), { decisionBy: new Date('2024-08-20T06:00:00.000Z'), overdueAt: new Date('2024-08-20T06:00:00.000Z') }),
    expected: ['notify_external_channels'],
  },
  {
    id: '001-review-within-1-3-days', label: '平台 1-3 个工作日内审核：期限内不做任何事', source: seeds.s001,
    quote: '提交申请后,平台客服将在1-3个工作日内进行审核',
    facts: deadlineFacts(at(hours(30)), { decisionBy: new Date('2024-08-20T06:00:00.000Z') }),
    expected: [],
  },
];

/**
 * What share of the seed situations the platform settles without a person: claims its records
 * decide at once (refunded or refused by a cited rule, key checks included) plus deadlines that
 * decide a claim (merchant silence). Overdue flags and the external-channel notice act on their
 * own but leave the claim to a person, so they are not counted as decided.
 */
export function automationReport() {
  const claims = seedScenarios.map((s) => assess(s.facts, s.application));
  const deadlines = deadlineScenarios.map((s) => dueDeadlineActions(s.facts));
  const claimDecided = claims.filter((v) => v.kind === 'refused' || (v.kind === 'accepted' && v.route === 'auto_approve')).length;
  const byKeyCheck = claims.filter((v) => v.kind === 'accepted' && v.rule === 'aftersales.key-redeemed-before-sale').length;
  const deadlineDecided = deadlines.filter((a) => a.some((x) => x.kind === 'decide_for_buyer')).length;
  const deadlineActed = deadlines.filter((a) => a.length > 0).length;
  const total = claims.length + deadlines.length;
  const decided = claimDecided + deadlineDecided;
  return { total, decided, share: decided / total, claimDecided, byKeyCheck, deadlineDecided, deadlineActed };
}
