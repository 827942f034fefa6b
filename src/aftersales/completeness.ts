import type { CaseReason } from '../db/schema';
import { defaultLang, fill, type Lang } from '../i18n/lang';

/**
 * 申请完整性: what a case still lacks, told to the buyer before and after submitting. The three
 * kinds of proof the seed articles name — 交易凭证 (proof of the deal), 问题证明 (proof of the
 * problem), 沟通记录 (record of talking to the seller) — with what the platform already holds ticked.
 */
export type EvidenceKind = 'transaction' | 'problem' | 'communication';

export interface ChecklistItem {
  kind: EvidenceKind;
  label: string;
  required: boolean;
  /** The platform holds it already (order record, delivery and reveal log, supplier answer). */
  byPlatform: boolean;
  provided: boolean;
}

export interface Warning {
  code: string;
  message: string;
}

export const descriptionLengthMin = 10;
export const descriptionLengthMax = 2000;

const labels: Record<Lang, Record<EvidenceKind, string>> = {
  zh: {
    transaction: '交易凭证（订单号、付款与发货记录）',
    problem: '问题证明（如兑换失败截图、到账记录）',
    communication: '沟通记录（与商家的聊天截图）',
  },
  en: {
    transaction: 'Proof of the deal (order number, payment and delivery records)',
    problem: 'Proof of the problem (e.g. a screenshot of the failed redemption, the top-up arrival record)',
    communication: 'Record of talking to the seller (screenshots of your chat with the merchant)',
  },
};

/** What each warning says, by code; `{label}` is the missing proof's checklist label. */
const warningTexts: Record<Lang, Record<string, string>> = {
  zh: {
    DESCRIPTION_TOO_SHORT: `请具体描述问题（至少 ${descriptionLengthMin} 个字）：发生了什么、何时、看到什么提示`,
    DESCRIPTION_VAGUE: '描述太笼统。例如写成：“14:05 兑换卡密时提示‘该卡已被使用’，订单号……，已联系商家 30 分钟未回复”',
    DESCRIPTION_NO_DETAIL: '请补充时间、错误提示或金额等细节，平台据此核对记录',
    EVIDENCE_MISSING: '缺少{label}',
  },
  en: {
    DESCRIPTION_TOO_SHORT: `Describe the problem precisely (at least ${descriptionLengthMin} characters): what happened, when, and what message you saw`,
    DESCRIPTION_VAGUE: 'This description is too general. Write it like this: "At 14:05, redeeming the key showed \'this card has already been used\'; order number …; I contacted the merchant 30 minutes ago and got no reply"',
    DESCRIPTION_NO_DETAIL: 'Add details such as the time, the error message or the amount: the platform checks them against its records',
    EVIDENCE_MISSING: 'Missing: {label}',
  },
};

const evidenceMissingPrefix = 'EVIDENCE_MISSING_';

/** A warning's words in the reader's language, from its code alone (stored warnings are re-worded when read). */
export function warningMessage(code: string, lang: Lang): string | null {
  if (code.startsWith(evidenceMissingPrefix)) {
    const kind = code.slice(evidenceMissingPrefix.length).toLowerCase();
    if (!(kind in labels[lang])) return null;
    return fill(warningTexts[lang].EVIDENCE_MISSING, { label: labels[lang][kind as EvidenceKind] });
  }
  return warningTexts[lang][code] ?? null;
}

/** Warnings recorded with a case, worded for this reader; a code this version does not know keeps its recorded words. */
export function localizeWarnings(recorded: unknown, lang: Lang): unknown {
  if (!Array.isArray(recorded)) return recorded;
  return recorded.map((w: unknown) => {
    if (!w || typeof w !== 'object' || typeof (w as Warning).code !== 'string') return w;
    const message = warningMessage((w as Warning).code, lang);
    return message === null ? w : { ...(w as Warning), message };
  });
}

const needs: Record<CaseReason, { kind: EvidenceKind; required: boolean }[]> = {
  not_delivered: [{ kind: 'transaction', required: true }, { kind: 'communication', required: false }],
  key_invalid: [{ kind: 'transaction', required: true }, { kind: 'problem', required: true }, { kind: 'communication', required: false }],
  not_as_described: [{ kind: 'transaction', required: true }, { kind: 'problem', required: true }, { kind: 'communication', required: false }],
  wrong_amount: [{ kind: 'transaction', required: true }, { kind: 'problem', required: true }, { kind: 'communication', required: false }],
  buyer_mistake: [{ kind: 'transaction', required: true }, { kind: 'communication', required: false }],
  no_reason: [{ kind: 'transaction', required: true }],
};

/** Phrases that say something is wrong without saying what (seed 000: "没收到货" is not a description). */
const vaguePhrases = ['没收到货', '没收到', '不能用', '用不了', '有问题', '不行', '骗子', '退款', '垃圾', 'not working', 'scam', 'refund'];
/** Times, amounts, error texts: what lets the platform check a claim against its records. */
const detailPattern = /\d|[:：]|分钟|小时|提示|显示|错误|失败|已被使用|余额|截图|error|invalid|used/i;

/**
 * What the application lacks, worded in the reader's language. Which warnings apply does not depend
 * on the language: the vague-phrase and detail checks read the buyer's text in either language.
 */
export function checkCompleteness(
  reason: CaseReason,
  description: string,
  providedKinds: EvidenceKind[],
  lang: Lang = defaultLang,
): { warnings: Warning[]; checklist: ChecklistItem[] } {
  const warnings: Warning[] = [];
  const warn = (code: string) => warnings.push({ code, message: warningMessage(code, lang)! });
  const text = description.trim();
  if (text.length < descriptionLengthMin) warn('DESCRIPTION_TOO_SHORT');
  const lower = text.toLowerCase();
  if (vaguePhrases.some((p) => lower.includes(p)) && !detailPattern.test(text)) warn('DESCRIPTION_VAGUE');
  if (text.length >= descriptionLengthMin && !detailPattern.test(text)) warn('DESCRIPTION_NO_DETAIL');
  const checklist = needs[reason].map(({ kind, required }) => {
    const byPlatform = kind === 'transaction';
    return { kind, label: labels[lang][kind], required, byPlatform, provided: byPlatform || providedKinds.includes(kind) };
  });
  for (const item of checklist) {
    if (item.required && !item.provided) warn(`${evidenceMissingPrefix}${item.kind.toUpperCase()}`);
  }
  return { warnings, checklist };
}
