import type { RuleValues } from '../rules/defaults';
import { defaultLang, type Lang } from '../i18n/lang';

export interface PolicyInput {
  type: 'card_key' | 'topup' | 'manual';
  afterSalesWindowMinutes: number | null;
  promisedDeliveryMinutes: number | null;
  noReasonAllowed: boolean;
  noReasonFeeBp: number;
}

/** A duration in the reader's language: whole days, else whole hours, else minutes. */
export function formatDuration(minutes: number, lang: Lang = defaultLang): string {
  if (lang === 'en') {
    const [count, unit] = minutes % 1440 === 0 ? [minutes / 1440, 'day'] : minutes % 60 === 0 ? [minutes / 60, 'hour'] : [minutes, 'minute'];
    return `${count} ${unit}${count === 1 ? '' : 's'}`;
  }
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

export interface PolicyText { full: string; short: string }

/**
 * The refund policy in plain words, derived from the product's settings and the rules in force,
 * in the reader's language. Both languages state the same durations, fee and law reference.
 */
export function refundPolicyText(product: PolicyInput, rules: RuleValues, lang: Lang = defaultLang): PolicyText {
  return lang === 'en' ? policyEn(product, rules) : policyZh(product, rules);
}

function policyZh(product: PolicyInput, rules: RuleValues): PolicyText {
  const duration = (minutes: number) => formatDuration(minutes, 'zh');
  const window = duration(afterSalesWindowMinutes(product, rules));
  const noReason = product.noReasonAllowed
    ? `支持无理由退款${product.noReasonFeeBp > 0 ? `（收取 ${percent(product.noReasonFeeBp)} 手续费）` : ''}`
    : '不支持无理由退款';
  const parts: string[] = [];
  let short: string;
  if (product.type === 'card_key') {
    parts.push('自动发货，付款后立即发放卡密。');
    parts.push(`未查看卡密的订单，发货后 ${duration(rules['aftersales.instant-refund-window'])}内可申请秒退，卡密退回库存。`);
    parts.push(`卡密无效或已被使用，请在发货后 ${window}内申请售后。`);
    parts.push(`查看卡密即视为拆封，查看后${product.noReasonAllowed ? '不再支持无理由退款' : '不支持无理由退款'}（《消费者权益保护法》第二十五条）。`);
    if (product.noReasonAllowed) parts.push(`查看卡密前${noReason}。`);
    short = `${duration(rules['aftersales.instant-refund-window'])}未查看可秒退 · 卡密问题 ${window}内售后 · ${noReason}`;
  } else if (product.type === 'topup') {
    parts.push('直充到您填写的账号。');
    parts.push(`上游充值失败或 ${duration(rules['topup.upstream-timeout'])}未到账，全额自动退款；部分到账，自动退还差额。`);
    parts.push(`到账不符请在到账后 ${window}内申请售后。${noReason}。`);
    short = `充值失败/超时自动退款 · 部分到账退差额 · ${window}内售后`;
  } else {
    const promised = product.promisedDeliveryMinutes ? duration(product.promisedDeliveryMinutes) : null;
    parts.push(promised ? `商家承诺付款后 ${promised}内人工发货，超时未发货可申请全额退款。` : '商家人工发货。');
    parts.push(`发货后 ${window}内可申请售后。${noReason}。`);
    short = `${promised ? `承诺 ${promised}内发货 · 超时可退 · ` : ''}${window}内售后 · ${noReason}`;
  }
  parts.push(`资金由平台担保，确认收货或发货 ${duration(rules['escrow.auto-confirm'])}后结算给商家。`);
  return { full: parts.join(''), short };
}

function policyEn(product: PolicyInput, rules: RuleValues): PolicyText {
  const duration = (minutes: number) => formatDuration(minutes, 'en');
  const window = duration(afterSalesWindowMinutes(product, rules));
  const fee = product.noReasonFeeBp > 0 ? ` (a ${percent(product.noReasonFeeBp)} fee is charged)` : '';
  const noReason = product.noReasonAllowed ? `No-reason refunds accepted${fee}` : 'No no-reason refunds';
  const parts: string[] = [];
  let short: string;
  if (product.type === 'card_key') {
    const instant = duration(rules['aftersales.instant-refund-window']);
    parts.push('Delivered automatically: the card keys are issued as soon as you pay.');
    parts.push(`If you have not viewed the keys, you can ask for an instant refund within ${instant} of delivery; the keys go back into stock.`);
    parts.push(`If a key is invalid or already used, apply for after-sales within ${window} of delivery.`);
    parts.push(`Viewing a key counts as opening the goods: once viewed, keys ${product.noReasonAllowed ? 'no longer qualify' : 'do not qualify'} for a no-reason refund (Article 25 of the Consumer Rights Protection Law).`);
    if (product.noReasonAllowed) parts.push(`Before the keys are viewed: no-reason refunds accepted${fee}.`);
    short = `Instant refund within ${instant} if not viewed · key problems: after-sales within ${window} · ${noReason}`;
  } else if (product.type === 'topup') {
    parts.push('Topped up directly to the account you enter.');
    parts.push(`If the supplier's top-up fails or has not arrived within ${duration(rules['topup.upstream-timeout'])}, you are refunded in full automatically; if only part arrives, the difference is refunded automatically.`);
    parts.push(`If what arrived is wrong, apply for after-sales within ${window} of its arrival. ${noReason}.`);
    short = `Automatic refund if the top-up fails or times out · partial arrival: difference refunded · after-sales within ${window}`;
  } else {
    const promised = product.promisedDeliveryMinutes ? duration(product.promisedDeliveryMinutes) : null;
    parts.push(promised
      ? `The merchant promises to deliver by hand within ${promised} of payment; if they do not, you can ask for a full refund.`
      : 'Delivered by hand by the merchant.');
    parts.push(`You can apply for after-sales within ${window} of delivery. ${noReason}.`);
    short = `${promised ? `Delivery promised within ${promised} · refund if late · ` : ''}after-sales within ${window} · ${noReason}`;
  }
  parts.push(`The platform holds your payment in escrow and pays the merchant when you confirm receipt, or ${duration(rules['escrow.auto-confirm'])} after delivery.`);
  return { full: parts.join(' '), short };
}
