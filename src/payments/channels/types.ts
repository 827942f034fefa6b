/**
 * One interface for every real payment channel (支付宝, 微信支付, 银联, 易支付). An adapter speaks its
 * provider's protocol and nothing else: it never touches the database. Provider calls go through a
 * `Transport`, so the sandbox can answer them in-process with the same signed messages.
 */
export const railChannels = ['alipay', 'wechat', 'unionpay', 'epay'] as const;
export type RailChannel = (typeof railChannels)[number];
export const isRailChannel = (value: string): value is RailChannel => (railChannels as readonly string[]).includes(value);

export interface HttpRequest { method: 'GET' | 'POST'; url: string; headers: Record<string, string>; body?: string }
export interface HttpResponse { status: number; headers: Record<string, string>; body: string }
export type Transport = (request: HttpRequest) => Promise<HttpResponse>;

/** How long a provider call may take before it counts as failed (it is retried from a job row). */
export const providerCallTimeoutMs = 10_000;

/** The real network: fetch with a timeout. */
export const httpTransport: Transport = async (request) => {
  const response = await fetch(request.url, {
    method: request.method, headers: request.headers, body: request.body, signal: AbortSignal.timeout(providerCallTimeoutMs),
  });
  const headers: Record<string, string> = {};
  response.headers.forEach((value, key) => { headers[key] = value; });
  return { status: response.status, headers, body: await response.text() };
};

export interface CreatePaymentInput {
  /** Our reference sent as out_trade_no / orderId: the payment id without dashes (32 characters fit every channel). */
  paymentRef: string;
  amount: number;
  subject: string;
  createdAt: Date;
  notifyUrl: string;
  returnUrl: string;
}

/** Where the payer goes: a URL, a QR code's content (WeChat Native), or a form posted by the browser (UnionPay). */
export type PayAction =
  | { kind: 'redirect'; url: string }
  | { kind: 'qr'; content: string }
  | { kind: 'form'; action: string; fields: Record<string, string> };

/** A notification as it arrived: the raw body (signatures cover its exact bytes) and the headers. */
export interface RawNotification { body: string; query: Record<string, string>; headers: Record<string, string | undefined> }

export interface VerifiedNotification {
  ok: true;
  kind?: 'payment';
  paymentRef: string;
  /** Integer fen as the provider states it. */
  amount: number;
  providerTradeNo: string;
  status: 'succeeded' | 'other';
  /** The provider's own id of this notification: a second delivery with it acts no more. */
  notificationId: string;
}
export interface RejectedNotification { ok: false; reason: string }
/** The provider's final word on a refund we asked for (WeChat REFUND.*, UnionPay's refund backUrl call). */
export interface VerifiedRefundNotification { ok: true; kind: 'refund'; refundRef: string; status: 'succeeded' | 'failed' | 'other'; notificationId: string }
/**
 * A payer's complaint or chargeback at the provider (WeChat COMPLAINT.*, Alipay's
 * alipay.merchant.tradecomplain.changed message): details come from `complaint`. `mayBeNew`: the
 * notification can announce a complaint we have not seen (WeChat says so in its action type;
 * Alipay sends one message for creation and every change, so the complaint id decides).
 */
export interface VerifiedComplaintNotification { ok: true; kind: 'complaint'; complaintId: string; action: string; mayBeNew: boolean; notificationId: string }
export type NotificationCheck = VerifiedNotification | VerifiedRefundNotification | VerifiedComplaintNotification | RejectedNotification;

export interface PayoutInput {
  /** Our payout id without dashes: the provider's idempotency key (out_biz_no / out_batch_no / orderId). */
  payoutRef: string;
  amount: number;
  /** The payee: an Alipay login id, a WeChat openid, a bank card number. */
  account: string;
  /** The payee's real name, which the provider checks against the account. */
  name: string;
  createdAt: Date;
  notifyUrl: string;
}
/** `processing`: accepted, not final yet (asked again later with the same key). */
export interface PayoutAnswer { status: 'paid' | 'failed' | 'processing'; providerPayoutNo?: string; failure?: string }
export interface RefundState { status: 'succeeded' | 'failed' | 'processing' | 'not_found'; failure?: string }
export interface ComplaintDetail { paymentRef: string; description: string; amount?: number; createdAt?: string }

export interface QueryResult { status: 'succeeded' | 'pending' | 'closed' | 'not_found'; amount?: number; providerTradeNo?: string }
export interface RefundInput {
  paymentRef: string;
  /** Our refund id without dashes: the provider's idempotency key for the refund. */
  refundRef: string;
  amount: number;
  total: number;
  providerTradeNo?: string;
  /** Where the provider reports the refund's outcome (UnionPay requires one). */
  notifyUrl: string;
}

/** What the notify route sends back: each provider knows its own success answer; anything else makes it retry. */
export interface ProviderAnswer { status: number; contentType: string; body: string }

export interface PaymentProvider {
  readonly channel: RailChannel;
  createPayment(input: CreatePaymentInput): Promise<PayAction>;
  verifyNotification(raw: RawNotification, now: Date): NotificationCheck;
  query(paymentRef: string, createdAt: Date): Promise<QueryResult>;
  /** `failure`: the provider's code when it refused (shown to staff with a stuck refund). */
  refund?(input: RefundInput, createdAt: Date): Promise<{ accepted: boolean; providerRefundNo?: string; settled?: boolean; failure?: string }>;
  /** Where a refund stands at the provider (the `refund_query` job asks when no notification came). */
  queryRefund?(input: RefundInput, createdAt: Date): Promise<RefundState>;
  /** 代付 / 转账 to a payee; absent on a channel that cannot pay out (epay). */
  payout?(input: PayoutInput): Promise<PayoutAnswer>;
  /** Where a payout the provider accepted stands now (same key). */
  queryPayout?(input: PayoutInput): Promise<PayoutAnswer>;
  /** The details of a complaint the provider notified (which trade, what the payer said). */
  complaint?(complaintId: string): Promise<ComplaintDetail>;
  successAnswer(): ProviderAnswer;
}

export const reject = (reason: string): RejectedNotification => ({ ok: false, reason });

/** Fen → "12.34" (Alipay, epay). */
export function yuanString(fen: number): string {
  return `${Math.trunc(fen / 100)}.${String(fen % 100).padStart(2, '0')}`;
}

/** "12.34" / "12.3" / "12" → fen, or NaN for anything else (no float arithmetic). */
export function fenFromYuan(text: string | undefined): number {
  const match = /^(\d{1,10})(?:\.(\d{1,2}))?$/.exec(text ?? '');
  if (!match) return NaN;
  return Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
}

/** Sorted non-empty parameters as `a=b&c=d`, without the names excluded (the signing string of Alipay, epay and UnionPay). */
export function canonicalParams(params: Record<string, string | undefined>, exclude: readonly string[]): string {
  return Object.keys(params).filter((k) => !exclude.includes(k) && params[k] !== undefined && params[k] !== '').sort()
    .map((k) => `${k}=${params[k]}`).join('&');
}

export function formParams(body: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(body)) out[k] = v;
  return out;
}

/** Beijing time as the providers write it: "yyyy-MM-dd HH:mm:ss" or "yyyyMMddHHmmss". */
export function beijingTime(at: Date, compact = false): string {
  const iso = new Date(at.getTime() + 8 * 3600_000).toISOString();
  const text = `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
  return compact ? text.replace(/\D/g, '') : text;
}

export const paymentRefOf = (paymentId: string) => paymentId.replace(/-/g, '');
/** The payment id back from a reference, or undefined when it is not one of ours. */
export function paymentIdOf(ref: string | undefined): string | undefined {
  if (!ref || !/^[0-9a-f]{32}$/.test(ref)) return undefined;
  return `${ref.slice(0, 8)}-${ref.slice(8, 12)}-${ref.slice(12, 16)}-${ref.slice(16, 20)}-${ref.slice(20)}`;
}

export const textAnswer = (status: number, body: string): ProviderAnswer => ({ status, contentType: 'text/plain; charset=utf-8', body });
