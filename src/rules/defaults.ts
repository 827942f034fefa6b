/**
 * The platform's rules as data (DESIGN.md "Rules are data"). Every window, deadline and threshold
 * is a rule with a stable id; decisions and refusals cite the id and the rule-set version.
 */
export type RuleDefinition =
  /**
   * `judgement`: a rule a staff decision may cite as its ground (API.md "Rules staff cite"). Every
   * other rule is a setting — a window, count, amount or switch the platform applies by itself — and
   * a decision citing one is an UNKNOWN_RULE. Only flags can be judgements: a number is never a ground.
   */
  | { value: boolean; unit: 'flag'; title: string; judgement?: true }
  /** A number rule publishes only within [min, max]: an unbounded value (1e300 minutes) breaks every deadline built on it. */
  | { value: number; unit: 'minutes' | 'hours' | 'days' | 'business_days' | 'count' | 'fen' | 'bp'; min: number; max: number; title: string };

export const defaultRules = {
  'order.pending-expiry': { value: 15, unit: 'minutes', min: 1, max: 1440, title: '未付款订单过期时间' },
  'order.pending-per-buyer': { value: 5, unit: 'count', min: 1, max: 100, title: '每位买家最多未付款订单数' },
  'order.pending-per-ip': { value: 10, unit: 'count', min: 1, max: 1000, title: '每个 IP 最多未付款订单数' },
  'order.quantity-max': { value: 20, unit: 'count', min: 1, max: 1000, title: '单笔订单最大数量' },
  'order.lookup-attempts': { value: 5, unit: 'count', min: 1, max: 100, title: '订单查询每 10 分钟最多尝试次数' },
  'order.buyer-cancel': { value: true, unit: 'flag', title: '买家可取消未付款的订单：库存立即释放，支付单同时关闭' },
  'order.coupons': { value: true, unit: 'flag', title: '只接受有效的优惠券（存在、未过期、未用完、满足使用门槛）' },
  'escrow.auto-confirm': { value: 1440, unit: 'minutes', min: 1, max: 43_200, title: '发货后自动确认收货' },
  'fee.platform-rate': { value: 200, unit: 'bp', min: 0, max: 5000, title: '平台服务费率' },
  'fee.fund-share': { value: 1000, unit: 'bp', min: 0, max: 10_000, title: '服务费中划入先行赔付基金的比例' },
  'shop.deposit-minimum': { value: 1000, unit: 'fen', min: 0, max: 100_000_000, title: '店铺上架所需最低保证金' },
  'shop.suspended-no-withdrawal': { value: true, unit: 'flag', title: '被暂停的店铺不能提现' },
  'shop.debt-blocks-withdrawal': { value: true, unit: 'flag', title: '欠平台先行赔付款的店铺不能提现，先从结算中偿还' },
  'catalog.card-key-import': { value: true, unit: 'flag', title: '只有卡密商品可以导入卡密' },
  'topup.upstream-timeout': { value: 30, unit: 'minutes', min: 1, max: 1440, title: '直充上游超时' },
  'aftersales.instant-refund-window': { value: 5, unit: 'minutes', min: 0, max: 1440, title: '未查看卡密秒退时限' },
  'aftersales.card-key-report-window': { value: 60, unit: 'minutes', min: 1, max: 43_200, title: '卡密问题反馈时限' },
  'aftersales.card-key-report-window-max': { value: 4320, unit: 'minutes', min: 1, max: 43_200, title: '卡密问题反馈时限上限（商品可设）' },
  'aftersales.other-window': { value: 1440, unit: 'minutes', min: 1, max: 43_200, title: '其他商品售后时限' },
  'aftersales.other-window-max': { value: 4320, unit: 'minutes', min: 1, max: 43_200, title: '其他商品售后时限上限（商品可设）' },
  'aftersales.merchant-response': { value: 1440, unit: 'minutes', min: 1, max: 20_160, title: '商家响应时限' },
  'aftersales.evidence-supplement': { value: 2880, unit: 'minutes', min: 1, max: 20_160, title: '补充举证时限' },
  'aftersales.arbitration-sla': { value: 3, unit: 'business_days', min: 1, max: 30, title: '平台仲裁时限' },
  'aftersales.arbitration-sla-with-evidence': { value: 5, unit: 'business_days', min: 1, max: 30, title: '含补充举证的仲裁时限' },
  'aftersales.appeal-window': { value: 7, unit: 'days', min: 1, max: 90, title: '申诉时限' },
  'aftersales.appeals-allowed': { value: 1, unit: 'count', min: 0, max: 5, title: '可申诉次数' },
  'aftersales.external-escalation': { value: 15, unit: 'business_days', min: 1, max: 60, title: '未判定时提供外部投诉渠道' },
  'aftersales.no-reason-default': { value: false, unit: 'flag', title: '虚拟商品默认不支持无理由退款' },
  'aftersales.no-reason-fee-max': { value: 3000, unit: 'bp', min: 0, max: 10_000, title: '无理由退款手续费上限' },
  'aftersales.late-delivery-penalty-rate': { value: 500, unit: 'bp', min: 0, max: 10_000, title: '人工商品延迟发货赔付比例' },
  'aftersales.late-delivery-penalty-min': { value: 100, unit: 'fen', min: 0, max: 100_000, title: '人工商品延迟发货赔付下限（不超过订单金额）' },
  'aftersales.late-delivery-penalty-max': { value: 3000, unit: 'fen', min: 0, max: 1_000_000, title: '人工商品延迟发货赔付上限' },
  'aftersales.mistake-fee-waived-for-exchange-or-wallet': { value: true, unit: 'flag', title: '误拍/重复下单：选择换货或余额留存免收无理由退款手续费（原路退回仍扣除商品设置的手续费）' },
  'aftersales.mistake-options-unused-only': { value: true, unit: 'flag', title: '换货与免手续费的余额留存只适用于未使用的商品（卡密未查看、人工商品与直充未交付）' },
  'aftersales.mistake-exchange-same-shop': { value: true, unit: 'flag', title: '换货只能换同一店铺在售的其他商品，差价由买家余额补足或退回' },
  'aftersales.buyer-response': { value: 4320, unit: 'minutes', min: 1, max: 20_160, title: '商家答复后买家决定是否申请平台介入的时限（逾期视为接受）' },
  'aftersales.order-state': { value: true, unit: 'flag', title: '已付款且仍有可退金额的订单才能申请售后' },
  'aftersales.one-open-case': { value: true, unit: 'flag', title: '一个订单同时只能有一个进行中的售后单' },
  'aftersales.no-repeat-after-final': { value: true, unit: 'flag', title: '已有最终处理结果的商品不能重复申请' },
  'aftersales.refund-cap': { value: true, unit: 'flag', title: '退款金额不超过可退余额' },
  'aftersales.no-reason-revealed': { value: true, unit: 'flag', title: '已查看的卡密不支持无理由退款（消保法第25条）', judgement: true },
  'aftersales.no-reason-refund': { value: true, unit: 'flag', title: '商品允许时，未拆封的无理由退款自动通过（扣除手续费）', judgement: true },
  'aftersales.manual-promised-time': { value: true, unit: 'flag', title: '人工商品超过承诺发货时间未发货，自动全额退款', judgement: true },
  'aftersales.topup-auto-refund': { value: true, unit: 'flag', title: '直充失败、超时或部分到账自动退款', judgement: true },
  'aftersales.key-redeemed-before-sale': { value: true, unit: 'flag', title: '上游核验显示卡密在平台发货前已被兑换：立即支持买家（商家责任）', judgement: true },
  'aftersales.decision-overdue-alert': { value: true, unit: 'flag', title: '超过仲裁时限未判定的售后单标记为逾期、置顶并通知管理员' },
  'aftersales.high-risk-manual-review': { value: true, unit: 'flag', title: '高风险买家不适用自动通过' },
  'aftersales.merchant-accepted': { value: true, unit: 'flag', title: '商家同意的处理方案立即执行' },
  'aftersales.buyer-accepted': { value: true, unit: 'flag', title: '买家接受商家答复，售后结束' },
  'aftersales.appeal-different-staff': { value: true, unit: 'flag', title: '申诉由另一位仲裁员处理' },
  'aftersales.appeal-new-evidence': { value: true, unit: 'flag', title: '申诉须提交新证据' },
  'aftersales.judgement.claim-proven': { value: true, unit: 'flag', title: '仲裁：买家举证充分，支持退款', judgement: true },
  'aftersales.judgement.claim-unproven': { value: true, unit: 'flag', title: '仲裁：举证不足或与平台记录不符，驳回', judgement: true },
  'aftersales.judgement.shared-fault': { value: true, unit: 'flag', title: '仲裁：双方均有责任，部分退款', judgement: true },
  'aftersales.judgement.merchant-no-evidence': { value: true, unit: 'flag', title: '仲裁：商家未能举证商品有效，支持退款', judgement: true },
  'risk.rejected-claims-30d': { value: 3, unit: 'count', min: 0, max: 100, title: '买家 30 天内被驳回的售后达到此数，自动列为高风险（0 = 关闭）' },
  'risk.claims-7d': { value: 6, unit: 'count', min: 0, max: 1000, title: '买家 7 天内发起的售后达到此数，自动列为高风险（0 = 关闭）' },
  'trust.merchant-demotion-refund-rate': { value: 1000, unit: 'bp', min: 0, max: 10_000, title: '商家降权退款率阈值（30 天）' },
  'trust.merchant-demotion-min-orders': { value: 10, unit: 'count', min: 1, max: 100_000, title: '商家 30 天内付款订单达到此数才按退款率降权' },
  'trust.credit-weight-refund-rate': { value: 35, unit: 'count', min: 0, max: 100, title: '信用分权重：商家责任退款率（分）' },
  'trust.credit-weight-cases-lost': { value: 20, unit: 'count', min: 0, max: 100, title: '信用分权重：售后败诉（分）' },
  'trust.credit-weight-response-time': { value: 15, unit: 'count', min: 0, max: 100, title: '信用分权重：售后响应时间中位数（分）' },
  'trust.credit-weight-rating': { value: 20, unit: 'count', min: 0, max: 100, title: '信用分权重：买家评分（分）' },
  'trust.credit-weight-off-platform': { value: 10, unit: 'count', min: 0, max: 100, title: '信用分权重：引导站外交易（分）' },
  'trust.credit-refund-rate-zero': { value: 2000, unit: 'bp', min: 1, max: 10_000, title: '商家责任退款率达到此值时该项信用得 0 分' },
  'trust.credit-cases-lost-zero': { value: 5, unit: 'count', min: 1, max: 1000, title: '30 天内售后败诉达到此数时该项信用得 0 分' },
  'trust.credit-response-full-minutes': { value: 60, unit: 'minutes', min: 0, max: 20_160, title: '售后响应时间中位数不超过此值时该项信用得满分' },
  'trust.credit-response-zero-minutes': { value: 1440, unit: 'minutes', min: 1, max: 20_160, title: '售后响应时间中位数达到此值时该项信用得 0 分' },
  'trust.credit-off-platform-zero': { value: 3, unit: 'count', min: 1, max: 1000, title: '30 天内引导站外交易的消息达到此数时该项信用得 0 分' },
  'trust.review-after-completion': { value: true, unit: 'flag', title: '订单确认收货（已完成）后才能评价' },
  'trust.review-once-per-order': { value: true, unit: 'flag', title: '每个订单只能评价一次' },
  'trust.identity-required-to-list': { value: true, unit: 'flag', title: '店铺身份认证（电子商务法第 27 条）通过后才能上架和销售（沙箱演示默认关闭）' },
  'chat.read-unanswered-minutes': { value: 60, unit: 'minutes', min: 1, max: 10_080, title: '商家已读买家消息后未在此时间内回复，记为已读未回（作为售后证据）' },
  'chat.messages-per-minute': { value: 20, unit: 'count', min: 1, max: 1000, title: '站内沟通每人每分钟最多发送消息数' },
  'chat.off-platform-warning': { value: true, unit: 'flag', title: '引导站外联系或付款的消息予以标记并提示：站外交易不受平台担保' },
  'payment.reconcile-after': { value: 10, unit: 'minutes', min: 1, max: 1440, title: '支付回调未到时，多久后主动向支付渠道查询（对账），之后按此间隔重复' },
  'payment.reconcile-window': { value: 1440, unit: 'minutes', min: 10, max: 43_200, title: '支付创建后持续主动查询支付结果的时长' },
  'refund.arrival-original-channel': { value: 1, unit: 'business_days', min: 0, max: 30, title: '原路退回最早到账' },
  'refund.arrival-original-channel-max': { value: 3, unit: 'business_days', min: 0, max: 30, title: '原路退回最晚到账' },
  'webhook.retry-window': { value: 24, unit: 'hours', min: 1, max: 168, title: '商家回调（Webhook）投递失败后重试的时长，超过即标记为失败' },
  'merchant.stock-alert-threshold': { value: 10, unit: 'count', min: 1, max: 10_000, title: '商家看板库存预警：可售卡密或限量库存低于此数时提醒' },
  'webhook.public-targets-only': { value: true, unit: 'flag', title: '商家回调地址只能指向公网地址（本机、内网、链路本地、组播等地址仅沙盒模式可用）' },
  'housekeeping.idempotency-days': { value: 30, unit: 'days', min: 1, max: 365, title: '幂等键保留天数（到期清除，此后同一键视为新请求）' },
  'housekeeping.jobs-days': { value: 30, unit: 'days', min: 1, max: 365, title: '已完成的定时任务记录保留天数（到期清除）' },
  'housekeeping.rate-limit-days': { value: 1, unit: 'days', min: 1, max: 30, title: '限流计数在窗口开始后保留天数（到期清除）' },
} satisfies Record<string, RuleDefinition>;

export type RuleId = keyof typeof defaultRules;

/** The rules a staff decision may cite (the rest are settings), in the catalogue's order. */
export const judgementRuleIds: readonly RuleId[] = (Object.keys(defaultRules) as RuleId[])
  .filter((id) => (defaultRules[id] as RuleDefinition).unit === 'flag' && (defaultRules[id] as { judgement?: true }).judgement === true);

export const isJudgementRule = (id: string): id is RuleId => Object.hasOwn(defaultRules, id) && judgementRuleIds.includes(id as RuleId);
export type RuleValues = { [K in RuleId]: (typeof defaultRules)[K]['value'] };

/**
 * Where the sandbox demo differs from production: a demo shop sells without an identity review
 * (the admin can still switch the rule on). Seeded into the first rule set and read under the stored
 * values, so an older sandbox data folder keeps working too.
 */
export const sandboxRuleValues: Partial<Record<RuleId, number | boolean>> = { 'trust.identity-required-to-list': false };

export function defaultRuleValues(): RuleValues {
  return Object.fromEntries(Object.entries(defaultRules).map(([id, rule]) => [id, rule.value])) as RuleValues;
}

/** A stored rule set read over the defaults: only the rules that exist, so a stray key ("toString") is never a rule. */
export function ruleValuesFrom(...layers: Array<Record<string, unknown> | null | undefined>): RuleValues {
  const merged: Record<string, unknown> = Object.assign({}, ...layers.filter(Boolean));
  return Object.fromEntries(Object.entries(defaultRules).map(([id, rule]) => [id, Object.hasOwn(merged, id) ? merged[id] : rule.value])) as RuleValues;
}
