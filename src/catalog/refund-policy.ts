import type { RuleValues } from '../rules/defaults';

export interface PolicyInput {
  type: 'card_key' | 'topup' | 'manual';
  afterSalesWindowMinutes: number | null;
  promisedDeliveryMinutes: number | null;
  noReasonAllowed: boolean;
  noReasonFeeBp: number;
}

export function formatDuration(minutes: number): string {
  if (minutes % 1440 === 0) return `${minutes / 1440} 天`;
  if (minutes % 60 === 0) return `${minutes / 60} 小时`;
  return `${minutes} 分钟`;
}

const percent = (bp: number) => `${(bp / 100).toFixed(bp % 100 === 0 ? 0 : 2)}%`;

/** The after-sales window that applies to a product: its own setting, else the rule for its goods type. */
export function afterSalesWindowMinutes(product: PolicyInput, rules: RuleValues): number {
  if (product.afterSalesWindowMinutes) return product.afterSalesWindowMinutes;
  return product.type === 'card_key' ? rules['aftersales.card-key-report-window'] : rules['aftersales.other-window'];
}

/** The refund policy in plain words, derived from the product's settings and the rules in force. */
export function refundPolicyText(product: PolicyInput, rules: RuleValues): { full: string; short: string } {
  const window = formatDuration(afterSalesWindowMinutes(product, rules));
  const noReason = product.noReasonAllowed
    ? `支持无理由退款${product.noReasonFeeBp > 0 ? `（收取 ${percent(product.noReasonFeeBp)} 手续费）` : ''}`
    : '不支持无理由退款';
  const parts: string[] = [];
  let short: string;
  if (product.type === 'card_key') {
    parts.push('自动发货，付款后立即发放卡密。');
    parts.push(`未查看卡密的订单，发货后 ${formatDuration(rules['aftersales.instant-refund-window'])}内可申请秒退，卡密退回库存。`);
    parts.push(`卡密无效或已被使用，请在发货后 ${window}内申请售后。`);
    parts.push(`查看卡密即视为拆封，查看后${product.noReasonAllowed ? '不再支持无理由退款' : '不支持无理由退款'}（《消费者权益保护法》第二十五条）。`);
    if (product.noReasonAllowed) parts.push(`查看卡密前${noReason}。`);
    short = `${formatDuration(rules['aftersales.instant-refund-window'])}未查看可秒退 · 卡密问题 ${window}内售后 · ${noReason}`;
  } else if (product.type === 'topup') {
    parts.push('直充到您填写的账号。');
    parts.push(`上游充值失败或 ${formatDuration(rules['topup.upstream-timeout'])}未到账，全额自动退款；部分到账，自动退还差额。`);
    parts.push(`到账不符请在到账后 ${window}内申请售后。${noReason}。`);
    short = `充值失败/超时自动退款 · 部分到账退差额 · ${window}内售后`;
  } else {
    const promised = product.promisedDeliveryMinutes ? formatDuration(product.promisedDeliveryMinutes) : null;
    parts.push(promised ? `商家承诺付款后 ${promised}内人工发货，超时未发货可申请全额退款。` : '商家人工发货。');
    parts.push(`发货后 ${window}内可申请售后。${noReason}。`);
    short = `${promised ? `承诺 ${promised}内发货 · 超时可退 · ` : ''}${window}内售后 · ${noReason}`;
  }
  parts.push(`资金由平台担保，确认收货或发货 ${formatDuration(rules['escrow.auto-confirm'])}后结算给商家。`);
  return { full: parts.join(''), short };
}
