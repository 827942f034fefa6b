import { createHash, timingSafeEqual } from 'node:crypto';
import {
  canonicalParams, fenFromYuan, reject, textAnswer, yuanString,
  type CreatePaymentInput, type NotificationCheck, type PayAction, type PaymentProvider, type QueryResult, type RawNotification, type RefundInput, type Transport,
} from './types';

/** 易支付 (epay): the aggregator protocol most card shops use. */
export interface EpayConfig {
  /** The epay site, e.g. https://pay.example.com/ (submit.php and api.php live under it). */
  url: string;
  pid: string;
  key: string;
  /** Which wallet the epay site should open: alipay, wxpay, qqpay … */
  type: string;
}

/** MD5 over the sorted non-empty parameters without sign and sign_type, then the merchant key appended; lowercase hex. */
export function epaySign(params: Record<string, string | undefined>, key: string): string {
  return createHash('md5').update(canonicalParams(params, ['sign', 'sign_type']) + key, 'utf8').digest('hex');
}

export function epayVerify(params: Record<string, string | undefined>, key: string): boolean {
  const given = params.sign ?? '';
  const expected = epaySign(params, key);
  return given.length === expected.length && timingSafeEqual(Buffer.from(given.toLowerCase()), Buffer.from(expected));
}

const endpoint = (base: string, file: string) => new URL(file, base.endsWith('/') ? base : `${base}/`).toString();

export class EpayProvider implements PaymentProvider {
  readonly channel = 'epay' as const;
  constructor(private readonly config: EpayConfig, private readonly transport: Transport) {}

  /** submit.php takes the signed parameters as a plain redirect: no server call is needed to start paying. */
  async createPayment(input: CreatePaymentInput): Promise<PayAction> {
    const params: Record<string, string> = {
      pid: this.config.pid, type: this.config.type, out_trade_no: input.paymentRef, notify_url: input.notifyUrl, return_url: input.returnUrl,
      name: input.subject.slice(0, 100), money: yuanString(input.amount),
    };
    const query = new URLSearchParams({ ...params, sign: epaySign(params, this.config.key), sign_type: 'MD5' });
    return { kind: 'redirect', url: `${endpoint(this.config.url, 'submit.php')}?${query}` };
  }

  /** epay sends its notification as GET query parameters (some sites POST a form): both are read. */
  verifyNotification(raw: RawNotification): NotificationCheck {
    const params = { ...raw.query, ...Object.fromEntries(new URLSearchParams(raw.body)) };
    if (!params.sign) return reject('unsigned');
    if ((params.sign_type ?? 'MD5').toUpperCase() !== 'MD5') return reject('sign_type must be MD5');
    if (!epayVerify(params, this.config.key)) return reject('bad signature');
    if (params.pid !== this.config.pid) return reject('another merchant id');
    const amount = fenFromYuan(params.money);
    if (!params.out_trade_no || !params.trade_no || !Number.isSafeInteger(amount)) return reject('missing out_trade_no, trade_no or money');
    return {
      ok: true, paymentRef: params.out_trade_no, amount, providerTradeNo: params.trade_no,
      status: params.trade_status === 'TRADE_SUCCESS' ? 'succeeded' : 'other', notificationId: `${params.trade_no}:${params.trade_status ?? ''}`,
    };
  }

  async query(paymentRef: string): Promise<QueryResult> {
    const query = new URLSearchParams({ act: 'order', pid: this.config.pid, key: this.config.key, out_trade_no: paymentRef });
    const response = await this.transport({ method: 'GET', url: `${endpoint(this.config.url, 'api.php')}?${query}`, headers: {} });
    const answer = JSON.parse(response.body) as { code?: number; status?: number | string; money?: string; trade_no?: string; out_trade_no?: string };
    if (Number(answer.code) !== 1) return { status: 'not_found' };
    if (answer.out_trade_no !== paymentRef) throw new Error('epay answered about another order');
    return { status: Number(answer.status) === 1 ? 'succeeded' : 'pending', amount: fenFromYuan(answer.money), providerTradeNo: answer.trade_no };
  }

  /** api.php?act=refund answers at once: code 1 means the money went back; epay has no refund query and no payouts. */
  async refund(input: RefundInput): Promise<{ accepted: boolean; settled: boolean }> {
    const body = new URLSearchParams({ pid: this.config.pid, key: this.config.key, out_trade_no: input.paymentRef, money: yuanString(input.amount) });
    const response = await this.transport({ method: 'POST', url: `${endpoint(this.config.url, 'api.php')}?act=refund`, headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: body.toString() });
    const accepted = Number((JSON.parse(response.body) as { code?: number }).code) === 1;
    return { accepted, settled: accepted };
  }

  successAnswer() { return textAnswer(200, 'success'); }
}
