import { createHash, createPublicKey, type KeyObject } from 'node:crypto';
import { rsaSign, rsaVerify } from './rsa';
import {
  beijingTime, canonicalParams, formParams, reject, textAnswer,
  type CreatePaymentInput, type NotificationCheck, type PayAction, type PaymentProvider, type PayoutAnswer, type PayoutInput, type QueryResult, type RawNotification, type RefundInput, type RefundState, type Transport,
} from './types';

/** 银联 online gateway 5.1.0, signMethod 01: the merchant's signing certificate key and UnionPay's signing certificate. */
export interface UnionpayConfig {
  merId: string;
  /** certId: the serial number (decimal) of the merchant's signing certificate. */
  certId: string;
  privateKey: KeyObject;
  /** UnionPay's signing certificate or public key: notifications and answers must verify with it. */
  unionpayPublicKey: KeyObject;
  /** https://gateway.95516.com (test: https://gateway.test.95516.com). */
  gateway: string;
}

/** SHA-256 hex of the sorted `k=v&…` string (without signature), and that hex signed with SHA256withRSA. */
export function unionpaySign(params: Record<string, string | undefined>, key: KeyObject): string {
  const digest = createHash('sha256').update(canonicalParams(params, ['signature']), 'utf8').digest('hex');
  return rsaSign(digest, key);
}

export function unionpayVerify(params: Record<string, string | undefined>, key: KeyObject): boolean {
  if (!params.signature) return false;
  const digest = createHash('sha256').update(canonicalParams(params, ['signature']), 'utf8').digest('hex');
  return rsaVerify(digest, params.signature, key);
}

/** The certificate a 5.1.0 message carries (signPubKeyCert) must hold the key we trust. */
function carriesTrustedKey(certificate: string | undefined, trusted: KeyObject): boolean {
  if (!certificate) return true;
  try {
    return createPublicKey(certificate).equals(trusted);
  } catch {
    return false;
  }
}

const base = (p: UnionpayConfig) => ({ version: '5.1.0', encoding: 'UTF-8', signMethod: '01', merId: p.merId, accessType: '0', certId: p.certId });

export class UnionpayProvider implements PaymentProvider {
  readonly channel = 'unionpay' as const;
  constructor(private readonly config: UnionpayConfig, private readonly transport: Transport) {}

  private signed(params: Record<string, string>): Record<string, string> {
    return { ...params, signature: unionpaySign(params, this.config.privateKey) };
  }

  /** 网关支付: the browser posts the signed form to frontTransReq.do; orderId + txnTime identify the order. */
  async createPayment(input: CreatePaymentInput): Promise<PayAction> {
    const fields = this.signed({
      ...base(this.config), txnType: '01', txnSubType: '01', bizType: '000201', channelType: '07', currencyCode: '156',
      orderId: input.paymentRef, txnTime: beijingTime(input.createdAt, true), txnAmt: String(input.amount), frontUrl: input.returnUrl, backUrl: input.notifyUrl,
    });
    return { kind: 'form', action: `${this.config.gateway}/gateway/api/frontTransReq.do`, fields };
  }

  verifyNotification(raw: RawNotification): NotificationCheck {
    const params = formParams(raw.body);
    if (!params.signature) return reject('unsigned');
    if (params.signMethod !== '01') return reject('signMethod must be 01');
    if (!carriesTrustedKey(params.signPubKeyCert, this.config.unionpayPublicKey)) return reject('signed with an untrusted certificate');
    if (!unionpayVerify(params, this.config.unionpayPublicKey)) return reject('bad signature');
    if (params.merId !== this.config.merId) return reject('another merId');
    if (params.txnType === '04') {
      // A refund's backUrl call: orderId is our refund reference.
      if (!params.orderId || !params.queryId) return reject('missing orderId or queryId');
      return { ok: true, kind: 'refund', refundRef: params.orderId, status: params.respCode === '00' ? 'succeeded' : 'failed', notificationId: `${params.queryId}:${params.respCode ?? ''}` };
    }
    const amount = /^\d{1,12}$/.test(params.txnAmt ?? '') ? Number(params.txnAmt) : NaN;
    if (!params.orderId || !params.queryId || !Number.isSafeInteger(amount)) return reject('missing orderId, queryId or txnAmt');
    return {
      ok: true, paymentRef: params.orderId, amount, providerTradeNo: params.queryId,
      status: params.respCode === '00' || params.respCode === 'A6' ? 'succeeded' : 'other', notificationId: `${params.queryId}:${params.respCode ?? ''}`,
    };
  }

  private async back(path: string, params: Record<string, string>): Promise<Record<string, string>> {
    const response = await this.transport({ method: 'POST', url: `${this.config.gateway}${path}`, headers: { 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8' }, body: new URLSearchParams(this.signed(params)).toString() });
    const answer = formParams(response.body);
    if (!carriesTrustedKey(answer.signPubKeyCert, this.config.unionpayPublicKey) || !unionpayVerify(answer, this.config.unionpayPublicKey)) throw new Error(`UnionPay ${path}: the answer is not signed by UnionPay`);
    return answer;
  }

  /** 交易状态查询 (txnType 00): origRespCode 00 is paid; 34 means UnionPay has no such order. */
  async query(paymentRef: string, createdAt: Date): Promise<QueryResult> {
    const answer = await this.back('/gateway/api/queryTrans.do', { ...base(this.config), txnType: '00', txnSubType: '00', bizType: '000000', orderId: paymentRef, txnTime: beijingTime(createdAt, true) });
    if (answer.respCode === '34') return { status: 'not_found' };
    if (answer.respCode !== '00') throw new Error(`UnionPay query: respCode ${answer.respCode}`);
    if (answer.orderId !== paymentRef) throw new Error('UnionPay answered about another order');
    const status = answer.origRespCode === '00' || answer.origRespCode === 'A6' ? 'succeeded' : ['03', '04', '05'].includes(answer.origRespCode ?? '') ? 'pending' : 'closed';
    return { status, amount: Number(answer.txnAmt), providerTradeNo: answer.queryId };
  }

  async refund(input: RefundInput, createdAt: Date): Promise<{ accepted: boolean; providerRefundNo?: string }> {
    if (!input.providerTradeNo) return { accepted: false };
    const answer = await this.back('/gateway/api/backTransReq.do', {
      ...base(this.config), txnType: '04', txnSubType: '00', bizType: '000201', channelType: '07', currencyCode: '156',
      orderId: input.refundRef, origQryId: input.providerTradeNo, txnTime: beijingTime(createdAt, true), txnAmt: String(input.amount), backUrl: input.notifyUrl,
    });
    return { accepted: answer.respCode === '00', providerRefundNo: answer.queryId };
  }

  /** The refund's own order (orderId = refund reference) through 交易状态查询. */
  async queryRefund(input: RefundInput, createdAt: Date): Promise<RefundState> {
    const state = await this.query(input.refundRef, createdAt);
    if (state.status === 'succeeded') return { status: 'succeeded' };
    if (state.status === 'closed') return { status: 'failed', failure: 'closed' };
    return { status: state.status === 'not_found' ? 'not_found' : 'processing' };
  }

  /** 代付 (txnType 12, bizType 000401) to a bank card; the payee's name rides in customerInfo. respCode 00 only means accepted. */
  async payout(input: PayoutInput): Promise<PayoutAnswer> {
    const customerInfo = Buffer.from(`{customerNm=${input.name}}`, 'utf8').toString('base64');
    const answer = await this.back('/gateway/api/backTransReq.do', {
      ...base(this.config), txnType: '12', txnSubType: '00', bizType: '000401', channelType: '07', currencyCode: '156',
      orderId: input.payoutRef, txnTime: beijingTime(input.createdAt, true), txnAmt: String(input.amount), accNo: input.account, customerInfo, backUrl: input.notifyUrl,
    });
    if (answer.respCode === '00' || ['03', '04', '05'].includes(answer.respCode ?? '')) return { status: 'processing', providerPayoutNo: answer.queryId };
    return { status: 'failed', failure: `respCode ${answer.respCode ?? ''} ${answer.respMsg ?? ''}`.trim() };
  }

  async queryPayout(input: PayoutInput): Promise<PayoutAnswer> {
    const state = await this.query(input.payoutRef, input.createdAt);
    if (state.status === 'succeeded') return { status: 'paid', providerPayoutNo: state.providerTradeNo };
    if (state.status === 'pending') return { status: 'processing' };
    return { status: 'failed', failure: state.status };
  }

  successAnswer() { return textAnswer(200, 'ok'); }
}
