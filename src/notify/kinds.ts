/**
 * The catalogue of notification kinds: each kind names its parameters, stored as jsonb beside it and
 * rendered for each reader by render-notice.ts (language, time zone, rule titles). Money is integer
 * fen; times are ISO strings (rendered in the reader's zone, never shown raw); `ruleId` is shown as
 * the rule's title. To add a kind: add its params here, its renderer in render-notice.ts (the type
 * requires one), and a sample in render-notice.test.ts (the test requires one).
 */
export type Party = 'buyer' | 'merchant';

export interface NoticeParams {
  /** 新订单: a paid order for the merchant; a manual one carries the promised delivery time. */
  order_paid: { orderNo: string; productTitle: string; quantity: number; amount: number; productType: 'card_key' | 'manual' | 'topup'; deliverBy: string | null };
  order_delivered: { orderNo: string; productTitle: string; productType: 'card_key' | 'manual' | 'topup' };
  /** A refund was booked: to the balance (there now) or the original payment (on its way until `expectedBy`). */
  refund_booked: { orderNo: string; amount: number; destination: 'wallet' | 'original'; expectedBy: string | null; cause: RefundCause };
  refund_arrived: { orderNo: string; amount: number };
  /** A channel refund the provider refused or failed went to the buyer's balance instead. */
  refund_fallback_wallet: { orderNo: string; amount: number; channel: string };
  /** A refund that waited for funds was paid by the platform. */
  refund_funded: { orderNo: string; amount: number };
  late_delivery_penalty: { orderNo: string; minutesLate: number; amount: number; reader: Party; paidTo: 'wallet' | 'channel' };
  case_opened: { orderNo: string; merchantBy: string | null };
  case_auto_approved: { orderNo: string; amount: number; ruleId: string };
  /** The merchant answered; their message stays in the case (never copied into a notice). */
  case_merchant_response: { orderNo: string; accepted: boolean; buyerBy: string | null };
  case_closed: { orderNo: string; bySystem: boolean };
  case_escalated: { orderNo: string; decisionBy: string | null };
  case_withdrawn: { orderNo: string };
  case_evidence_requested: { orderNo: string; note: string; evidenceBy: string };
  case_evidence_submitted: { orderNo: string; party: Party };
  case_evidence_not_provided: { orderNo: string; party: Party };
  /** A decision: by staff (with rule and reason) or by the merchant's silence. */
  case_decided: {
    orderNo: string; by: 'staff' | 'merchant_silence'; outcome: 'refund' | 'partial' | 'reject' | 'reissue'; amount: number;
    ruleId: string; reason: string | null; appeal: boolean; appealBy: string | null;
  };
  case_appealed: { orderNo: string; party: Party };
  /** A deadline is near for the party that must act. */
  case_deadline_approaching: { orderNo: string; step: 'merchant_response' | 'buyer_response' | 'evidence'; deadline: string };
  case_overdue: { orderNo: string; decisionBy: string };
  case_external_channels: { orderNo: string; days: number; link: string; channel: string };
  case_exchanged: { orderNo: string; newOrderNo: string; newTitle: string; refunded: number; paidFromWallet: number };
  case_exchange_failed: { orderNo: string; amount: number; error: { code: string; message: string; details?: Record<string, unknown> } };
  /** A new chat message: who wrote, never what (the conversation shows it to those who may read it). */
  chat_message: { orderNo: string; from: 'buyer' | 'merchant' | 'staff'; flagged: boolean };
  chat_read_unanswered: { orderNo: string; ruleId: string };
  review_posted: { orderNo: string; rating: number };
  identity_approved: { shopName: string };
  identity_rejected: { shopName: string; reason: string };
  shop_suspended: { shopName: string; reason: string | null };
  /** `active` again, or waiting for the deposit to be topped up before its products return. */
  shop_reinstated: { shopName: string; reason: string | null; active: boolean };
  withdrawal_paid: { amount: number; channel: string };
  withdrawal_failed: { amount: number; channel: string; failure: string };
  /** Rows written before kinds had parameters, and any caller still passing rendered text (Chinese). */
  legacy_text: { title: string; body: string; kind?: string };
}

export type RefundCause = 'topup_failed' | 'topup_partial' | 'late_payment_out_of_stock' | 'case' | 'other';
export type NoticeKind = keyof NoticeParams;
/** One notification: a kind and its parameters, type-checked together. */
export type Notice = { [K in NoticeKind]: { kind: K; params: NoticeParams[K] } }[NoticeKind];

/** Builds a notice with its parameters checked against the kind: `notice('order_paid', { … })`. */
export const notice = <K extends NoticeKind>(kind: K, params: NoticeParams[K]): Notice => ({ kind, params }) as Notice;

/** The events important enough for a text message (case decisions, deadlines that bite). */
export const smsNoticeKinds: ReadonlySet<NoticeKind> = new Set<NoticeKind>(['case_auto_approved', 'case_decided', 'case_overdue', 'case_external_channels', 'case_deadline_approaching']);
