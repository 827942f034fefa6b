/**
 * The platform's rules as data (DESIGN.md "Rules are data"). Every window, deadline and threshold
 * is a rule with a stable id; decisions and refusals cite the id and the rule-set version.
 */
export interface RuleDefinition {
  value: number | boolean;
  unit: 'minutes' | 'hours' | 'days' | 'business_days' | 'count' | 'fen' | 'bp' | 'flag';
  title: string;
}

export const defaultRules = {
  'order.pending-expiry': { value: 15, unit: 'minutes', title: '未付款订单过期时间' },
  'order.pending-per-buyer': { value: 5, unit: 'count', title: '每位买家最多未付款订单数' },
  'order.pending-per-ip': { value: 10, unit: 'count', title: '每个 IP 最多未付款订单数' },
  'order.quantity-max': { value: 20, unit: 'count', title: '单笔订单最大数量' },
  'order.lookup-attempts': { value: 5, unit: 'count', title: '订单查询每 10 分钟最多尝试次数' },
  'escrow.auto-confirm': { value: 1440, unit: 'minutes', title: '发货后自动确认收货' },
  'fee.platform-rate': { value: 200, unit: 'bp', title: '平台服务费率' },
  'fee.fund-share': { value: 1000, unit: 'bp', title: '服务费中划入先行赔付基金的比例' },
  'shop.deposit-minimum': { value: 1000, unit: 'fen', title: '店铺上架所需最低保证金' },
  'topup.upstream-timeout': { value: 30, unit: 'minutes', title: '直充上游超时' },
  'aftersales.instant-refund-window': { value: 5, unit: 'minutes', title: '未查看卡密秒退时限' },
  'aftersales.card-key-report-window': { value: 60, unit: 'minutes', title: '卡密问题反馈时限' },
  'aftersales.card-key-report-window-max': { value: 4320, unit: 'minutes', title: '卡密问题反馈时限上限（商品可设）' },
  'aftersales.other-window': { value: 1440, unit: 'minutes', title: '其他商品售后时限' },
  'aftersales.other-window-max': { value: 4320, unit: 'minutes', title: '其他商品售后时限上限（商品可设）' },
  'aftersales.merchant-response': { value: 1440, unit: 'minutes', title: '商家响应时限' },
  'aftersales.evidence-supplement': { value: 2880, unit: 'minutes', title: '补充举证时限' },
  'aftersales.arbitration-sla': { value: 3, unit: 'business_days', title: '平台仲裁时限' },
  'aftersales.arbitration-sla-with-evidence': { value: 5, unit: 'business_days', title: '含补充举证的仲裁时限' },
  'aftersales.appeal-window': { value: 7, unit: 'days', title: '申诉时限' },
  'aftersales.appeals-allowed': { value: 1, unit: 'count', title: '可申诉次数' },
  'aftersales.external-escalation': { value: 15, unit: 'business_days', title: '未判定时提供外部投诉渠道' },
  'aftersales.no-reason-default': { value: false, unit: 'flag', title: '虚拟商品默认不支持无理由退款' },
  'aftersales.no-reason-fee-max': { value: 3000, unit: 'bp', title: '无理由退款手续费上限' },
  'aftersales.late-delivery-penalty-rate': { value: 500, unit: 'bp', title: '人工商品延迟发货赔付比例' },
  'trust.merchant-demotion-refund-rate': { value: 1000, unit: 'bp', title: '商家降权退款率阈值（30 天）' },
  'refund.arrival-original-channel': { value: 1, unit: 'business_days', title: '原路退回最早到账' },
  'refund.arrival-original-channel-max': { value: 3, unit: 'business_days', title: '原路退回最晚到账' },
} satisfies Record<string, RuleDefinition>;

export type RuleId = keyof typeof defaultRules;
export type RuleValues = { [K in RuleId]: (typeof defaultRules)[K]['value'] };

export function defaultRuleValues(): RuleValues {
  return Object.fromEntries(Object.entries(defaultRules).map(([id, rule]) => [id, rule.value])) as RuleValues;
}
