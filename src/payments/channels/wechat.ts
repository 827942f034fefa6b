import { constants, createCipheriv, createDecipheriv, publicEncrypt, randomBytes, type KeyObject } from 'node:crypto';
import { rsaSign, rsaVerify } from './rsa';
import {
  reject, type ComplaintDetail, type CreatePaymentInput, type HttpResponse, type NotificationCheck, type PayAction, type PaymentProvider, type PayoutAnswer, type PayoutInput,
  type QueryResult, type RawNotification, type RefundInput, type RefundState, type Transport,
} from './types';

/** 微信支付 APIv3: the merchant's API certificate key signs requests; the platform key signs answers and notifications. */
export interface WechatConfig {
  appId: string;
  mchId: string;
  /** Serial number of the merchant API certificate (serial_no in the Authorization header). */
  merchantSerial: string;
  merchantPrivateKey: KeyObject;
  /** WeChat Pay's public key (or platform certificate) and its id / serial as sent in Wechatpay-Serial. */
  platformPublicKey: KeyObject;
  platformSerial: string;
  /** The 32-byte APIv3 key that encrypts notification resources. */
  apiV3Key: string;
  /** https://api.mch.weixin.qq.com */
  baseUrl: string;
}

/** WeChat refuses a notification or answer more than five minutes off: an old one replayed fails too. */
export const wechatTimestampSkewSecondsMax = 300;
const schema = 'WECHATPAY2-SHA256-RSA2048';

/** The Authorization header of a request: method, path with query, timestamp, nonce and body, one per line. */
export function wechatAuthorization(p: { method: string; pathWithQuery: string; body: string; mchId: string; serial: string; key: KeyObject; timestamp: number; nonce: string }): string {
  const message = `${p.method}\n${p.pathWithQuery}\n${p.timestamp}\n${p.nonce}\n${p.body}\n`;
  const signature = rsaSign(message, p.key);
  return `${schema} mchid="${p.mchId}",nonce_str="${p.nonce}",signature="${signature}",timestamp="${p.timestamp}",serial_no="${p.serial}"`;
}

/** Parses an Authorization header back into its fields (the sandbox provider checks requests with it). */
export function parseWechatAuthorization(header: string | undefined): Record<string, string> | undefined {
  if (!header?.startsWith(`${schema} `)) return undefined;
  const fields: Record<string, string> = {};
  for (const match of header.slice(schema.length + 1).matchAll(/(\w+)="([^"]*)"/g)) fields[match[1]!] = match[2]!;
  return fields;
}

/** Answers and notifications: timestamp, nonce and body, one per line, signed by the platform key. */
export const wechatResponseMessage = (timestamp: string, nonce: string, body: string) => `${timestamp}\n${nonce}\n${body}\n`;

export function wechatSignedHeaders(body: string, key: KeyObject, serial: string, now: Date): Record<string, string> {
  const timestamp = String(Math.floor(now.getTime() / 1000));
  const nonce = randomBytes(16).toString('hex');
  return { 'wechatpay-timestamp': timestamp, 'wechatpay-nonce': nonce, 'wechatpay-serial': serial, 'wechatpay-signature': rsaSign(wechatResponseMessage(timestamp, nonce, body), key) };
}

/** Checks the Wechatpay-* headers of an answer or notification; returns why not, or undefined when it holds. */
export function wechatCheckSignature(headers: Record<string, string | undefined>, body: string, config: Pick<WechatConfig, 'platformPublicKey' | 'platformSerial'>, now: Date): string | undefined {
  const timestamp = headers['wechatpay-timestamp'];
  const nonce = headers['wechatpay-nonce'];
  const signature = headers['wechatpay-signature'];
  const serial = headers['wechatpay-serial'];
  if (!timestamp || !nonce || !signature || !serial) return 'unsigned';
  if (serial !== config.platformSerial) return 'unknown Wechatpay-Serial';
  if (!/^\d{1,12}$/.test(timestamp) || Math.abs(now.getTime() / 1000 - Number(timestamp)) > wechatTimestampSkewSecondsMax) return 'timestamp too far from now';
  if (!rsaVerify(wechatResponseMessage(timestamp, nonce, body), signature, config.platformPublicKey)) return 'bad signature';
  return undefined;
}

export interface WechatResource { algorithm: string; ciphertext: string; associated_data?: string; nonce: string; original_type?: string }

/** AEAD_AES_256_GCM with the APIv3 key; the ciphertext carries the 16-byte tag at its end. */
export function wechatDecrypt(resource: WechatResource, apiV3Key: string): string {
  if (resource.algorithm !== 'AEAD_AES_256_GCM') throw new Error('unknown algorithm');
  const data = Buffer.from(resource.ciphertext, 'base64');
  if (data.length <= 16) throw new Error('ciphertext too short');
  const decipher = createDecipheriv('aes-256-gcm', Buffer.from(apiV3Key, 'utf8'), Buffer.from(resource.nonce, 'utf8'));
  decipher.setAAD(Buffer.from(resource.associated_data ?? '', 'utf8'));
  decipher.setAuthTag(data.subarray(data.length - 16));
  return Buffer.concat([decipher.update(data.subarray(0, data.length - 16)), decipher.final()]).toString('utf8');
}

/** The provider side of wechatDecrypt (the sandbox simulator encrypts with it). */
export function wechatEncrypt(plaintext: string, apiV3Key: string, associatedData: string, nonce: string, originalType = 'transaction'): WechatResource {
  const cipher = createCipheriv('aes-256-gcm', Buffer.from(apiV3Key, 'utf8'), Buffer.from(nonce, 'utf8'));
  cipher.setAAD(Buffer.from(associatedData, 'utf8'));
  const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return { algorithm: 'AEAD_AES_256_GCM', ciphertext: data.toString('base64'), associated_data: associatedData, nonce, original_type: originalType };
}

/** Sensitive fields (a payee's name) go encrypted to WeChat's public key: RSA-OAEP with SHA-1, base64. */
export function wechatSensitive(text: string, platformPublicKey: KeyObject): string {
  return publicEncrypt({ key: platformPublicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' }, Buffer.from(text, 'utf8')).toString('base64');
}

interface RefundResource { out_refund_no?: string; refund_status?: string }
interface ComplaintResource { complaint_id?: string; action_type?: string }
interface Transaction { out_trade_no?: string; transaction_id?: string; trade_state?: string; mchid?: string; appid?: string; amount?: { total?: number; payer_total?: number } }

export class WechatProvider implements PaymentProvider {
  readonly channel = 'wechat' as const;
  constructor(private readonly config: WechatConfig, private readonly transport: Transport, private readonly clock: () => Date) {}

  private async call(method: 'GET' | 'POST', pathWithQuery: string, payload?: unknown, extraHeaders: Record<string, string> = {}): Promise<{ status: number; json: any }> {
    const body = payload === undefined ? '' : JSON.stringify(payload);
    const authorization = wechatAuthorization({
      method, pathWithQuery, body, mchId: this.config.mchId, serial: this.config.merchantSerial, key: this.config.merchantPrivateKey,
      timestamp: Math.floor(this.clock().getTime() / 1000), nonce: randomBytes(16).toString('hex'),
    });
    const response: HttpResponse = await this.transport({
      method, url: this.config.baseUrl.replace(/\/$/, '') + pathWithQuery, body: body || undefined,
      headers: { authorization, accept: 'application/json', ...(body ? { 'content-type': 'application/json' } : {}), ...extraHeaders },
    });
    const why = wechatCheckSignature(response.headers, response.body, this.config, this.clock());
    if (why) throw new Error(`WeChat Pay answer ${pathWithQuery}: ${why}`);
    return { status: response.status, json: response.body ? JSON.parse(response.body) : {} };
  }

  /** Native 支付: WeChat returns a code_url the payer scans; out_trade_no makes a repeated call the same order. */
  async createPayment(input: CreatePaymentInput): Promise<PayAction> {
    const { status, json } = await this.call('POST', '/v3/pay/transactions/native', {
      appid: this.config.appId, mchid: this.config.mchId, description: input.subject.slice(0, 127), out_trade_no: input.paymentRef,
      notify_url: input.notifyUrl, amount: { total: input.amount, currency: 'CNY' },
    });
    if (status !== 200 || typeof json.code_url !== 'string') throw new Error(`WeChat Pay native order: ${status} ${json.code ?? ''}`);
    return { kind: 'qr', content: json.code_url };
  }

  /** One notify URL takes payments (TRANSACTION.*), refunds (REFUND.*) and complaints (COMPLAINT.*), told apart by event_type. */
  verifyNotification(raw: RawNotification, now: Date): NotificationCheck {
    const why = wechatCheckSignature(raw.headers, raw.body, this.config, now);
    if (why) return reject(why);
    let content: Transaction & RefundResource & ComplaintResource;
    let notice: { id?: string; event_type?: string; resource?: WechatResource };
    try {
      notice = JSON.parse(raw.body) as typeof notice;
      if (!notice.id || !notice.resource) return reject('no id or resource');
      content = JSON.parse(wechatDecrypt(notice.resource, this.config.apiV3Key)) as typeof content;
    } catch {
      return reject('resource does not decrypt');
    }
    const id = notice.id;
    const event = notice.event_type ?? '';
    if (event.startsWith('COMPLAINT.')) {
      if (!content.complaint_id) return reject('missing complaint_id');
      const action = content.action_type ?? event;
      return { ok: true, kind: 'complaint', complaintId: content.complaint_id, action, mayBeNew: action.includes('CREATE'), notificationId: id };
    }
    if (content.mchid !== this.config.mchId) return reject('another mchid');
    if (event.startsWith('REFUND.')) {
      if (!content.out_refund_no) return reject('missing out_refund_no');
      const status = content.refund_status === 'SUCCESS' ? 'succeeded' : content.refund_status === 'ABNORMAL' || content.refund_status === 'CLOSED' ? 'failed' : 'other';
      return { ok: true, kind: 'refund', refundRef: content.out_refund_no, status, notificationId: id };
    }
    const amount = content.amount?.total;
    if (!content.out_trade_no || !content.transaction_id || !Number.isSafeInteger(amount)) return reject('missing out_trade_no, transaction_id or amount');
    return { ok: true, paymentRef: content.out_trade_no, amount: amount!, providerTradeNo: content.transaction_id, status: content.trade_state === 'SUCCESS' ? 'succeeded' : 'other', notificationId: id };
  }

  async query(paymentRef: string): Promise<QueryResult> {
    const { status, json } = await this.call('GET', `/v3/pay/transactions/out-trade-no/${paymentRef}?mchid=${encodeURIComponent(this.config.mchId)}`);
    if (status === 404) return { status: 'not_found' };
    if (status !== 200) throw new Error(`WeChat Pay query: ${status} ${json.code ?? ''}`);
    const t = json as Transaction;
    if (t.out_trade_no !== paymentRef) throw new Error('WeChat Pay answered about another trade');
    const state = t.trade_state === 'SUCCESS' ? 'succeeded' : t.trade_state === 'CLOSED' || t.trade_state === 'REVOKED' ? 'closed' : 'pending';
    return { status: state, amount: t.amount?.total, providerTradeNo: t.transaction_id };
  }

  async refund(input: RefundInput): Promise<{ accepted: boolean; providerRefundNo?: string; failure?: string }> {
    const { status, json } = await this.call('POST', '/v3/refund/domestic/refunds', {
      out_trade_no: input.paymentRef, out_refund_no: input.refundRef, amount: { refund: input.amount, total: input.total, currency: 'CNY' },
    });
    const accepted = status === 200 && ['SUCCESS', 'PROCESSING'].includes(json.status);
    return { accepted, providerRefundNo: json.refund_id, failure: accepted ? undefined : [json.code ?? String(status), json.message].filter(Boolean).join(' ') };
  }

  /** 查询单笔退款: SUCCESS is final; ABNORMAL (the payer's card is gone) and CLOSED failed. */
  async queryRefund(input: RefundInput): Promise<RefundState> {
    const { status, json } = await this.call('GET', `/v3/refund/domestic/refunds/${input.refundRef}`);
    if (status === 404) return { status: 'not_found' };
    if (status !== 200) throw new Error(`WeChat Pay refund query: ${status} ${json.code ?? ''}`);
    if (json.status === 'SUCCESS') return { status: 'succeeded' };
    if (json.status === 'ABNORMAL' || json.status === 'CLOSED') return { status: 'failed', failure: json.status };
    return { status: 'processing' };
  }

  /** 商家转账到零钱 (transfer batches): one batch of one transfer; the payee's name goes encrypted. */
  async payout(input: PayoutInput): Promise<PayoutAnswer> {
    const { status, json } = await this.call('POST', '/v3/transfer/batches', {
      appid: this.config.appId, out_batch_no: input.payoutRef, batch_name: 'Kameng 提现', batch_remark: 'Kameng 提现', total_amount: input.amount, total_num: 1,
      transfer_detail_list: [{ out_detail_no: input.payoutRef, transfer_amount: input.amount, transfer_remark: 'Kameng 提现', openid: input.account, user_name: wechatSensitive(input.name, this.config.platformPublicKey) }],
    }, { 'wechatpay-serial': this.config.platformSerial });
    if (status === 200) return { status: 'processing', providerPayoutNo: json.batch_id };
    if (status === 400 || status === 403) return { status: 'failed', failure: json.code ?? String(status) };
    return { status: 'processing' }; // 5xx, 429: not known to have failed; the query decides
  }

  /** 通过商家明细单号查询明细单: SUCCESS paid, FAIL failed (with its reason), else still under way. */
  async queryPayout(input: PayoutInput): Promise<PayoutAnswer> {
    const { status, json } = await this.call('GET', `/v3/transfer/batches/out-batch-no/${input.payoutRef}/details/out-detail-no/${input.payoutRef}`);
    if (status === 404) return { status: 'failed', failure: 'NOT_FOUND' };
    if (status !== 200) throw new Error(`WeChat Pay transfer query: ${status} ${json.code ?? ''}`);
    if (json.detail_status === 'SUCCESS') return { status: 'paid', providerPayoutNo: json.detail_id };
    if (json.detail_status === 'FAIL') return { status: 'failed', failure: json.fail_reason ?? 'FAIL' };
    return { status: 'processing' };
  }

  /** 查询投诉单详情: which of our trades it is about and what the payer wrote. */
  async complaint(complaintId: string): Promise<ComplaintDetail> {
    const { status, json } = await this.call('GET', `/v3/merchant-service/complaints-v2/${encodeURIComponent(complaintId)}`);
    if (status !== 200) throw new Error(`WeChat Pay complaint ${complaintId}: ${status} ${json.code ?? ''}`);
    const order = (json.complaint_order_info as Array<{ out_trade_no?: string; amount?: number }> | undefined)?.[0];
    if (!order?.out_trade_no) throw new Error(`WeChat Pay complaint ${complaintId} names no trade`);
    return { paymentRef: order.out_trade_no, description: String(json.complaint_detail ?? ''), amount: order.amount, createdAt: json.complaint_time };
  }

  /** WeChat reads 200/204 as received; the JSON body is what its older documentation asks for. */
  successAnswer() { return { status: 200, contentType: 'application/json', body: JSON.stringify({ code: 'SUCCESS', message: '成功' }) }; }
}
