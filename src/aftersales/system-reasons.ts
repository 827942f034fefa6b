import { systemTextTable, type SystemTemplate } from '../i18n/system-text';

/**
 * Decision reasons the platform writes itself (automatic approvals, deadlines, the merchant's or
 * buyer's acceptance without a message). A case records the Chinese words; a reader of another
 * language sees the same reason in theirs, matched back from the record by its template. The table
 * has the shape of every table of platform words (src/i18n/system-text.ts).
 */
export const systemReasons = {
  instantRefund: { zh: '秒退：卡密未查看且在秒退时限内，全额退款，卡密退回库存', en: 'Instant refund: the keys were not viewed and the instant-refund window was open; full refund, keys back in stock' },
  manualLate: { zh: '商家超过承诺发货时间未发货，全额退款', en: 'The merchant did not deliver by the promised time; full refund' },
  noReason: { zh: '商品支持无理由退款，扣除手续费 {fee} 分后退款', en: 'The product accepts no-reason refunds; refunded after a fee of {fee} fen' },
  keyRedeemedBeforeSale: {
    zh: '上游核验：卡密在平台发货前已被兑换（商家售出已使用的卡密），全额退款',
    en: 'Upstream check: the key had been redeemed before the platform delivered it (the merchant sold a used key); full refund',
  },
  recordsSupport: { zh: '平台记录支持退款', en: "The platform's records support a refund" },
  merchantSilent: { zh: '商家未在响应时限内处理，按规则支持买家', en: 'The merchant did not respond in time; the rules decide for the buyer' },
  merchantAccepted: { zh: '商家同意买家的售后请求', en: "The merchant accepted the buyer's request" },
  buyerSilent: { zh: '买家逾期未申请平台介入，视为接受商家的处理结果', en: "The buyer did not ask the platform to step in before the deadline, which counts as accepting the merchant's answer" },
  buyerAccepted: { zh: '买家接受商家的处理结果', en: "The buyer accepted the merchant's answer" },
} as const satisfies Record<string, SystemTemplate>;

export type SystemReason = keyof typeof systemReasons;

const systemReasonsTable = systemTextTable(systemReasons);

/** A system reason in one language, placeholders filled. */
export const systemReason = systemReasonsTable.text;

/** A recorded reason for this reader: a system reason in their language; anything a person wrote stays as written. */
export const rewordReason = systemReasonsTable.reword;
