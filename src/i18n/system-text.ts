import { fill, type Lang } from './lang';

/**
 * Words the platform writes into records itself (the after-sales engine's notes, refund reasons,
 * automatic risk flags). A record keeps the Chinese words, as written when it happened; a reader of
 * another language sees the same words in theirs, matched back from the record by the template.
 * What a person wrote (staff, a merchant, a buyer) matches no template and stays as written.
 */
export interface SystemTemplate {
  zh: string;
  en: string;
  /** Placeholders that hold a list joined with 、 in Chinese, re-joined with commas in English. */
  lists?: readonly string[];
}

export const systemTexts = {
  // The after-sales engine's notes beside a case (平台记录), for the merchant and staff.
  reissueByMerchant: { zh: '买家要求补发，补发只能由商家提供', en: 'The buyer asks for a reissue, which only the merchant can provide' },
  highRiskBuyer: { zh: '买家被标记为高风险：不适用自动通过', en: 'The buyer is flagged high-risk: no automatic approval' },
  shopSuspended: { zh: '店铺已被暂停：由平台直接处理', en: 'The shop is suspended: the platform handles the case itself' },
  instantUnviewed: { zh: '秒退：卡密在秒退时限内未被查看', en: 'Instant refund: the keys were not viewed within the instant-refund window' },
  deliveryRecord: { zh: '平台发货记录显示已于 {at} 发货', en: "The platform's delivery record shows delivery at {at}" },
  keysViewed: { zh: '买家已查看 {viewed}/{total} 张卡密', en: 'The buyer has viewed {viewed} of {total} keys' },
  topupArrived: { zh: '上游回调：{status}（到账 {amount} 分）', en: "The supplier's callback: {status} ({amount} fen arrived)" },
  topupCallback: { zh: '上游回调：{status}', en: "The supplier's callback: {status}" },
  promisedTimePassed: { zh: '承诺发货时间 {at} 已过，仍未发货', en: 'The promised delivery time {at} has passed and nothing was delivered' },
  pastPromisedTime: { zh: '已超过承诺发货时间', en: 'The promised delivery time has passed' },
  notDeliveredYet: { zh: '尚未发货', en: 'Not delivered yet' },
  redeemedBeforeDelivery: { zh: '上游核验：{n} 张卡密在平台发货（{at}）之前已被兑换', en: 'Upstream check: {n} key(s) had been redeemed before the platform delivered them ({at})' },
  redeemedAfterDelivery: {
    zh: '上游核验：{n} 张卡密在平台发货之后被兑换（{times}），与“卡密无效”的主张不符',
    en: 'Upstream check: {n} key(s) were redeemed after the platform delivered them ({times}), which does not fit the claim that the keys are invalid',
    lists: ['times'],
  },
  keysUnused: { zh: '上游核验：{n} 张卡密尚未被兑换', en: 'Upstream check: {n} key(s) not redeemed yet' },
  keysUnchecked: { zh: '上游核验：{n} 张卡密无法核验', en: 'Upstream check: {n} key(s) could not be checked' },
  // Refund reasons the platform writes (the order's refunds, the fund's waiting list).
  exchangeFellBack: {
    zh: '售后单 {caseNo}：误拍换货（换货未成，余额留存）',
    en: 'After-sales case {caseNo}: exchange for a buyer mistake (the exchange could not be made; the value stays in the wallet)',
  },
  exchange: { zh: '售后单 {caseNo}：误拍换货', en: 'After-sales case {caseNo}: exchange for a buyer mistake' },
  caseRefund: { zh: '售后单 {caseNo}：{reason}', en: 'After-sales case {caseNo}: {reason}' },
  topupFailed: { zh: '直充失败，全额退款', en: 'The top-up failed; full refund' },
  topupTimedOut: { zh: '直充超时未到账，全额退款', en: 'The top-up did not arrive in time; full refund' },
  topupPartial: { zh: '直充部分到账：到账 {amount} 分，退还差额', en: 'Partial top-up: {amount} fen arrived; the difference is refunded' },
  // Why a buyer is flagged high-risk, for staff.
  riskRejectedClaims: { zh: '30 天内 {n} 次售后申请被平台驳回（规则 {rule}）', en: '{n} after-sales claims rejected by the platform within 30 days (rule {rule})' },
  riskManyClaims: { zh: '7 天内发起 {n} 次售后申请（规则 {rule}）', en: '{n} after-sales claims within 7 days (rule {rule})' },
  riskFlaggedByStaff: { zh: '客服标记', en: 'Flagged by staff' },
  // What both parties read under a chat message flagged as moving contact or payment off the platform.
  offPlatformNotice: {
    zh: '平台提示：上一条消息疑似引导站外联系或付款（私下转账、加微信/QQ、收款账号或站外链接）。站外交易不受平台担保保护，出现问题平台无法为您追回款项。请只在平台下单付款，并在这里沟通——这里的聊天记录是售后举证的证据。',
    en: 'Platform notice: the message above looks like it moves contact or payment off the platform (private transfer, WeChat/QQ, an account number or an outside link). Deals outside the platform lose the escrow guarantee and the platform cannot get the money back. Order and pay only on the platform, and talk here: this chat is after-sales evidence.',
  },
  // A review by a buyer with no name to mask.
  anonymousBuyer: { zh: '匿名买家', en: 'Anonymous buyer' },
  // A case opened from a payment channel's complaint: the platform's prefix, then the complainant's words.
  channelComplaint: { zh: '支付渠道投诉（{channel}）：{description}', en: 'Payment channel complaint ({channel}): {description}' },
} as const satisfies Record<string, SystemTemplate>;

export type SystemTextKey = keyof typeof systemTexts;

/** A redemption time the key checker did not give, inside the redeemedAfterDelivery list. */
export const unknownTime = { zh: '时间未知', en: 'time unknown' } as const;

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Matches recorded Chinese text back to its template and words it for another reader. Tables are
 * tried in order, and a more specific template must come before a more general one. A placeholder
 * inside a template stops at Chinese sentence punctuation; one that ends the template takes the rest.
 */
function reworder(templates: Record<string, SystemTemplate>) {
  const matchers = Object.values(templates).map((template) => {
    const names: string[] = [];
    const parts = template.zh.split(/\{(\w+)\}/);
    const pattern = parts.map((part, index) => {
      if (index % 2 === 0) return escape(part);
      names.push(part);
      return index === parts.length - 2 && parts[parts.length - 1] === '' ? '([\\s\\S]*)' : '([^，。]*?)';
    }).join('');
    return { template, names, regex: new RegExp(`^${pattern}$`) };
  });
  return <T extends string | null>(recorded: T, lang: Lang): T => {
    if (recorded === null || lang === 'zh') return recorded;
    for (const { template, names, regex } of matchers) {
      const found = regex.exec(recorded);
      if (!found) continue;
      const values = Object.fromEntries(names.map((name, index) => {
        const value = found[index + 1] ?? '';
        return [name, template.lists?.includes(name) ? value.split('、').map((item) => (item === unknownTime.zh ? unknownTime[lang] : item)).join(', ') : value];
      }));
      return fill(template[lang], values) as T;
    }
    return recorded;
  };
}

/**
 * One table of words the platform writes (every table has this shape): `text` words a template in one
 * language, placeholders filled (what a record stores is the 'zh' one); `reword` words a recorded
 * text for a reader, anything that matches no template staying as written.
 */
export function systemTextTable<K extends string>(templates: Record<K, SystemTemplate>) {
  return {
    text: (key: K, lang: Lang, values?: Record<string, unknown>): string => fill(templates[key][lang], values),
    reword: reworder(templates),
  };
}

const systemTextsTable = systemTextTable(systemTexts);

/** A system text in one language, placeholders filled (what a record stores is the 'zh' one). */
export const systemText = systemTextsTable.text;

/** A recorded system text (note, refund reason, risk reason …) for this reader; anything else stays as written. */
export const rewordSystemText = systemTextsTable.reword;
