import type { KeyObject } from 'node:crypto';
import type { AlipayCertSns } from './alipay-cert';
import { rsaSign, rsaVerify } from './rsa';
import {
  beijingTime, canonicalParams, fenFromYuan, formParams, reject, textAnswer, yuanString,
  type ComplaintDetail, type CreatePaymentInput, type NotificationCheck, type PayAction, type PaymentProvider, type PayoutAnswer, type PayoutInput, type QueryResult, type RawNotification, type RefundInput, type RefundState, type Transport,
} from './types';

/** 支付宝 open platform, RSA2 keys (the application's private key, Alipay's public key). */
export interface AlipayConfig {
  appId: string;
  /** https://openapi.alipay.com/gateway.do (sandbox: https://openapi-sandbox.dl.alipaydev.com/gateway.do). */
  gateway: string;
  privateKey: KeyObject;
  /** Alipay's public key, or in certificate mode the key of Alipay's public-key certificate (alipayCertPublicKey_RSA2.crt). */
  alipayPublicKey: KeyObject;
  /** 公钥证书模式 (required for alipay.fund.trans.uni.transfer): every request carries these two SNs. */
  certSns?: AlipayCertSns;
}

/** A request is signed over every parameter except `sign` (sign_type included). */
export const alipayRequestSignContent = (params: Record<string, string | undefined>) => canonicalParams(params, ['sign']);
/** A notification is verified over every parameter except `sign` and `sign_type` (Alipay's rsaCheckV1). */
export const alipayNotifySignContent = (params: Record<string, string | undefined>) => canonicalParams(params, ['sign', 'sign_type']);

/** The message (消息服务) announcing a new or changed 交易投诉; its biz_content names the complaint. */
export const alipayComplaintMessage = 'alipay.merchant.tradecomplain.changed';

/**
 * A message of Alipay's 消息服务 (it carries `msg_method`, not `notify_type`) is signed over every
 * parameter except `sign`, sign_type included (the 生活号 gateway's rsaCheckV2); Alipay's own
 * Node SDK also accepts the rsaCheckV1 content (without sign_type), and so do we.
 */
export function alipayMessageSigned(params: Record<string, string>, key: KeyObject): boolean {
  return rsaVerify(canonicalParams(params, ['sign']), params.sign ?? '', key) || rsaVerify(alipayNotifySignContent(params), params.sign ?? '', key);
}

export function alipaySignRequest(params: Record<string, string>, key: KeyObject): Record<string, string> {
  return { ...params, sign: rsaSign(alipayRequestSignContent(params), key) };
}

/**
 * The signed part of an API answer is the exact JSON text of its `<method>_response` member, as
 * Alipay's SDKs cut it out of the body; re-serialising the parsed object would break the signature.
 */
export function alipayResponseContent(body: string, method: string): { content: string; sign: string } | undefined {
  const node = `"${method.replace(/\./g, '_')}_response"`;
  const start = body.indexOf(node);
  const signAt = body.lastIndexOf('"sign"');
  if (start < 0 || signAt < 0) return undefined;
  const from = body.indexOf('{', start + node.length);
  const to = body.lastIndexOf('}', signAt);
  if (from < 0 || to < from) return undefined;
  const sign = (JSON.parse(body) as { sign?: string }).sign;
  return sign ? { content: body.slice(from, to + 1), sign } : undefined;
}

export class AlipayProvider implements PaymentProvider {
  readonly channel = 'alipay' as const;
  constructor(private readonly config: AlipayConfig, private readonly transport: Transport, private readonly clock: () => Date) {}

  private common(method: string, biz: Record<string, unknown>, extra: Record<string, string> = {}): Record<string, string> {
    return {
      app_id: this.config.appId, method, format: 'JSON', charset: 'utf-8', sign_type: 'RSA2', timestamp: beijingTime(this.clock()), version: '1.0',
      ...(this.config.certSns ? { app_cert_sn: this.config.certSns.appCertSn, alipay_root_cert_sn: this.config.certSns.alipayRootCertSn } : {}),
      ...extra, biz_content: JSON.stringify(biz),
    };
  }

  /** 电脑网站支付 (alipay.trade.page.pay): a signed GET to the gateway; out_trade_no is the idempotency key. */
  async createPayment(input: CreatePaymentInput): Promise<PayAction> {
    const params = alipaySignRequest(this.common('alipay.trade.page.pay', {
      out_trade_no: input.paymentRef, total_amount: yuanString(input.amount), subject: input.subject.slice(0, 256), product_code: 'FAST_INSTANT_TRADE_PAY',
    }, { notify_url: input.notifyUrl, return_url: input.returnUrl }), this.config.privateKey);
    return { kind: 'redirect', url: `${this.config.gateway}?${new URLSearchParams(params)}` };
  }

  verifyNotification(raw: RawNotification): NotificationCheck {
    const params = formParams(raw.body);
    if (!params.sign) return reject('unsigned');
    if (params.sign_type !== 'RSA2') return reject('sign_type must be RSA2');
    if (params.msg_method) return this.verifyMessage(params);
    if (!rsaVerify(alipayNotifySignContent(params), params.sign, this.config.alipayPublicKey)) return reject('bad signature');
    if (params.app_id !== this.config.appId) return reject('another app_id');
    const amount = fenFromYuan(params.total_amount);
    if (!params.out_trade_no || !params.trade_no || !params.notify_id || !Number.isSafeInteger(amount)) return reject('missing out_trade_no, trade_no, notify_id or total_amount');
    const paid = params.trade_status === 'TRADE_SUCCESS' || params.trade_status === 'TRADE_FINISHED';
    return { ok: true, paymentRef: params.out_trade_no, amount, providerTradeNo: params.trade_no, status: paid ? 'succeeded' : 'other', notificationId: params.notify_id };
  }

  /**
   * 交易投诉通知: Alipay posts alipay.merchant.tradecomplain.changed to the application gateway
   * (应用网关, set to this notify URL) when a payer complains and whenever the complaint changes;
   * biz_content carries only complain_event_id, the details come from the query.
   */
  private verifyMessage(params: Record<string, string>): NotificationCheck {
    if (!alipayMessageSigned(params, this.config.alipayPublicKey)) return reject('bad signature');
    if (params.app_id !== this.config.appId) return reject('another app_id');
    if (params.msg_method !== alipayComplaintMessage) return reject(`message ${params.msg_method} is not one we subscribe to`);
    let biz: { complain_event_id?: unknown };
    try {
      biz = JSON.parse(params.biz_content ?? '') as typeof biz;
    } catch {
      return reject('biz_content is not JSON');
    }
    if (typeof biz.complain_event_id !== 'string' || !biz.complain_event_id || !params.notify_id) return reject('missing complain_event_id or notify_id');
    return { ok: true, kind: 'complaint', complaintId: biz.complain_event_id, action: params.msg_method, mayBeNew: true, notificationId: params.notify_id };
  }

  private async call(method: string, biz: Record<string, unknown>): Promise<Record<string, string>> {
    const params = alipaySignRequest(this.common(method, biz), this.config.privateKey);
    const response = await this.transport({ method: 'POST', url: this.config.gateway, headers: { 'content-type': 'application/x-www-form-urlencoded;charset=utf-8' }, body: new URLSearchParams(params).toString() });
    const signed = alipayResponseContent(response.body, method);
    if (!signed || !rsaVerify(signed.content, signed.sign, this.config.alipayPublicKey)) throw new Error(`${method}: the answer is not signed by Alipay`);
    return JSON.parse(signed.content) as Record<string, string>;
  }

  async query(paymentRef: string): Promise<QueryResult> {
    const answer = await this.call('alipay.trade.query', { out_trade_no: paymentRef });
    if (answer.code !== '10000') return { status: answer.sub_code === 'ACQ.TRADE_NOT_EXIST' ? 'not_found' : 'pending' };
    if (answer.out_trade_no !== paymentRef) throw new Error('Alipay answered about another trade');
    const status = answer.trade_status === 'TRADE_SUCCESS' || answer.trade_status === 'TRADE_FINISHED' ? 'succeeded' : answer.trade_status === 'TRADE_CLOSED' ? 'closed' : 'pending';
    return { status, amount: fenFromYuan(answer.total_amount), providerTradeNo: answer.trade_no };
  }

  async refund(input: RefundInput): Promise<{ accepted: boolean; providerRefundNo?: string; failure?: string }> {
    const answer = await this.call('alipay.trade.refund', { out_trade_no: input.paymentRef, refund_amount: yuanString(input.amount), out_request_no: input.refundRef });
    if (answer.code !== '10000') return { accepted: false, failure: [answer.sub_code, answer.sub_msg].filter(Boolean).join(' ') || answer.code };
    return { accepted: true, providerRefundNo: answer.trade_no };
  }

  /** 统一收单交易退款查询: REFUND_SUCCESS is final; an answer without refund_status is still being processed. */
  async queryRefund(input: RefundInput): Promise<RefundState> {
    const answer = await this.call('alipay.trade.fastpay.refund.query', { out_trade_no: input.paymentRef, out_request_no: input.refundRef });
    if (answer.code !== '10000') return { status: answer.sub_code === 'ACQ.TRADE_NOT_EXIST' ? 'not_found' : 'processing' };
    if (answer.refund_status === 'REFUND_SUCCESS') return { status: 'succeeded' };
    return { status: 'processing' };
  }

  /** 单笔转账 (alipay.fund.trans.uni.transfer) to an Alipay login id; out_biz_no is the idempotency key. */
  async payout(input: PayoutInput): Promise<PayoutAnswer> {
    const answer = await this.call('alipay.fund.trans.uni.transfer', {
      out_biz_no: input.payoutRef, trans_amount: yuanString(input.amount), product_code: 'TRANS_ACCOUNT_NO_PWD', biz_scene: 'DIRECT_TRANSFER',
      order_title: 'Kameng 提现', payee_info: { identity: input.account, identity_type: 'ALIPAY_LOGON_ID', name: input.name },
    });
    if (answer.code !== '10000') return answerOfFailure(answer);
    return { status: answer.status === 'SUCCESS' ? 'paid' : answer.status === 'FAIL' ? 'failed' : 'processing', providerPayoutNo: answer.order_id };
  }

  /** 转账业务单据查询 (alipay.fund.trans.common.query) by out_biz_no. */
  async queryPayout(input: PayoutInput): Promise<PayoutAnswer> {
    const answer = await this.call('alipay.fund.trans.common.query', { out_biz_no: input.payoutRef, product_code: 'TRANS_ACCOUNT_NO_PWD', biz_scene: 'DIRECT_TRANSFER' });
    if (answer.code !== '10000') return answer.sub_code === 'ORDER_NOT_EXIST' ? { status: 'failed', failure: 'ORDER_NOT_EXIST' } : { status: 'processing' };
    return { status: answer.status === 'SUCCESS' ? 'paid' : answer.status === 'FAIL' ? 'failed' : 'processing', providerPayoutNo: answer.order_id, failure: answer.fail_reason };
  }

  /** 查询单条交易投诉详情: merchant_order_no is our out_trade_no; what the payer wrote is complain_reason and content. */
  async complaint(complaintId: string): Promise<ComplaintDetail> {
    const answer = await this.call('alipay.merchant.tradecomplain.query', { complain_event_id: complaintId });
    if (answer.code !== '10000') throw new Error(`Alipay complaint ${complaintId}: ${answer.code} ${answer.sub_code ?? ''}`);
    if (answer.complain_event_id !== complaintId) throw new Error('Alipay answered about another complaint');
    if (!answer.merchant_order_no) throw new Error(`Alipay complaint ${complaintId} names no trade of ours`);
    const amount = fenFromYuan(answer.trade_amount);
    const description = [answer.complain_reason, answer.content].filter(Boolean).join('：');
    return { paymentRef: answer.merchant_order_no, description, amount: Number.isSafeInteger(amount) ? amount : undefined, createdAt: answer.gmt_create };
  }

  successAnswer() { return textAnswer(200, 'success'); }
}

/** A business refusal (40004) is final; a system error (20000, 40000 …) may pass: asked again later. */
function answerOfFailure(answer: Record<string, string>): PayoutAnswer {
  if (answer.code === '40004') return { status: 'failed', failure: answer.sub_code ?? answer.sub_msg ?? 'refused' };
  return { status: 'processing' };
}
