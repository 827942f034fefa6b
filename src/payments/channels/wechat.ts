import { createCipheriv, createDecipheriv, randomBytes, type KeyObject } from 'node:crypto';
import { rsaSign, rsaVerify } from './rsa';
import { reject, type CreatePaymentInput, type HttpResponse, type NotificationCheck, type PayAction, type PaymentProvider, type QueryResult, type RawNotification, type RefundInput, type Transport } from './types';

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
export function wechatEncrypt(plaintext: string, apiV3Key: string, associatedData: string, nonce: string): WechatResource {
  const cipher = createCipheriv('aes-256-gcm', Buffer.from(apiV3Key, 'utf8'), Buffer.from(nonce, 'utf8'));
  cipher.setAAD(Buffer.from(associatedData, 'utf8'));
  const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return { algorithm: 'AEAD_AES_256_GCM', ciphertext: data.toString('base64'), associated_data: associatedData, nonce, original_type: 'transaction' };
}

interface Transaction { out_trade_no?: string; transaction_id?: string; trade_state?: string; mchid?: string; appid?: string; amount?: { total?: number; payer_total?: number } }

export class WechatProvider implements PaymentProvider {
  readonly channel = 'wechat' as const;
  constructor(private readonly config: WechatConfig, private readonly transport: Transport, private readonly clock: () => Date) {}

  private async call(method: 'GET' | 'POST', pathWithQuery: string, payload?: unknown): Promise<{ status: number; json: any }> {
    const body = payload === undefined ? '' : JSON.stringify(payload);
    const authorization = wechatAuthorization({
      method, pathWithQuery, body, mchId: this.config.mchId, serial: this.config.merchantSerial, key: this.config.merchantPrivateKey,
      timestamp: Math.floor(this.clock().getTime() / 1000), nonce: randomBytes(16).toString('hex'),
    });
    const response: HttpResponse = await this.transport({
      method, url: this.config.baseUrl.replace(/\/$/, '') + pathWithQuery, body: body || undefined,
      headers: { authorization, accept: 'application/json', ...(body ? { 'content-type': 'application/json' } : {}) },
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

  verifyNotification(raw: RawNotification, now: Date): NotificationCheck {
    const why = wechatCheckSignature(raw.headers, raw.body, this.config, now);
    if (why) return reject(why);
    let transaction: Transaction;
    let id: string;
    try {
      const notice = JSON.parse(raw.body) as { id?: string; event_type?: string; resource?: WechatResource };
      if (!notice.id || !notice.resource) return reject('no id or resource');
      id = notice.id;
      transaction = JSON.parse(wechatDecrypt(notice.resource, this.config.apiV3Key)) as Transaction;
    } catch {
      return reject('resource does not decrypt');
    }
    if (transaction.mchid !== this.config.mchId) return reject('another mchid');
    const amount = transaction.amount?.total;
    if (!transaction.out_trade_no || !transaction.transaction_id || !Number.isSafeInteger(amount)) return reject('missing out_trade_no, transaction_id or amount');
    return { ok: true, paymentRef: transaction.out_trade_no, amount: amount!, providerTradeNo: transaction.transaction_id, status: transaction.trade_state === 'SUCCESS' ? 'succeeded' : 'other', notificationId: id };
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

  async refund(input: RefundInput): Promise<{ accepted: boolean; providerRefundNo?: string }> {
    const { status, json } = await this.call('POST', '/v3/refund/domestic/refunds', {
      out_trade_no: input.paymentRef, out_refund_no: input.refundRef, amount: { refund: input.amount, total: input.total, currency: 'CNY' },
    });
    return { accepted: status === 200 && ['SUCCESS', 'PROCESSING'].includes(json.status), providerRefundNo: json.refund_id };
  }

  /** WeChat reads 200/204 as received; the JSON body is what its older documentation asks for. */
  successAnswer() { return { status: 200, contentType: 'application/json', body: JSON.stringify({ code: 'SUCCESS', message: '成功' }) }; }
}
