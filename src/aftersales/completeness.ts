import type { CaseReason } from '../db/schema';

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

const labels: Record<EvidenceKind, string> = {
  transaction: '交易凭证（订单号、付款与发货记录）',
  problem: '问题证明（如兑换失败截图、到账记录）',
  communication: '沟通记录（与商家的聊天截图）',
};

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

export function checkCompleteness(
  reason: CaseReason,
  description: string,
  providedKinds: EvidenceKind[],
): { warnings: Warning[]; checklist: ChecklistItem[] } {
  const warnings: Warning[] = [];
  const text = description.trim();
  if (text.length < descriptionLengthMin) {
    warnings.push({ code: 'DESCRIPTION_TOO_SHORT', message: `请具体描述问题（至少 ${descriptionLengthMin} 个字）：发生了什么、何时、看到什么提示` });
  }
  const lower = text.toLowerCase();
  if (vaguePhrases.some((p) => lower.includes(p)) && !detailPattern.test(text)) {
    warnings.push({ code: 'DESCRIPTION_VAGUE', message: '描述太笼统。例如写成：“14:05 兑换卡密时提示‘该卡已被使用’，订单号……，已联系商家 30 分钟未回复”' });
  }
  if (text.length >= descriptionLengthMin && !detailPattern.test(text)) {
    warnings.push({ code: 'DESCRIPTION_NO_DETAIL', message: '请补充时间、错误提示或金额等细节，平台据此核对记录' });
  }
  const checklist = needs[reason].map(({ kind, required }) => {
    const byPlatform = kind === 'transaction';
    return { kind, label: labels[kind], required, byPlatform, provided: byPlatform || providedKinds.includes(kind) };
  });
  for (const item of checklist) {
    if (item.required && !item.provided) warnings.push({ code: `EVIDENCE_MISSING_${item.kind.toUpperCase()}`, message: `缺少${item.label}` });
  }
  return { warnings, checklist };
}
