import { generateKeyPairSync, randomBytes, randomUUID, type KeyObject } from 'node:crypto';
import { alipayRequestSignContent, alipayNotifySignContent } from './alipay';
import { epaySign } from './epay';
import { rsaSign, rsaVerify } from './rsa';
import {
  beijingTime, formParams, yuanString,
  type HttpRequest, type HttpResponse, type RailChannel, type Transport,
} from './types';
import { unionpaySign, unionpayVerify } from './unionpay';
import { parseWechatAuthorization, wechatEncrypt, wechatSignedHeaders } from './wechat';
import type { RailConfigs } from './config';

interface KeyPair { privateKey: KeyObject; publicKey: KeyObject }
const pair = (): KeyPair => generateKeyPairSync('rsa', { modulusLength: 2048 });

/** Generated once per process and kept in memory: the sandbox needs no key files. */
let keys: { alipayApp: KeyPair; alipay: KeyPair; wechatMerchant: KeyPair; wechatPlatform: KeyPair; unionpayMerchant: KeyPair; unionpay: KeyPair } | undefined;
const sandboxKeys = () => (keys ??= {
  alipayApp: pair(), alipay: pair(), wechatMerchant: pair(), wechatPlatform: pair(), unionpayMerchant: pair(), unionpay: pair(),
});

const sandboxHost = (channel: string) => `https://${channel}.sandbox.kameng.invalid`;

/** The simulated providers' merchant configuration: what a real deployment reads from its environment. */
export function sandboxRailConfigs(): Required<RailConfigs> {
  const k = sandboxKeys();
  return {
    epay: { url: `${sandboxHost('epay')}/`, pid: '1001', key: 'sandbox-epay-merchant-key', type: 'alipay' },
    alipay: { appId: '2021000000000000', gateway: `${sandboxHost('alipay')}/gateway.do`, privateKey: k.alipayApp.privateKey, alipayPublicKey: k.alipay.publicKey },
    wechat: {
      appId: 'wx0000000000sandbox', mchId: '1900000000', merchantSerial: 'SANDBOXMERCHANTSERIAL', merchantPrivateKey: k.wechatMerchant.privateKey,
      platformPublicKey: k.wechatPlatform.publicKey, platformSerial: 'PUB_KEY_ID_SANDBOX', apiV3Key: 'sandboxApiV3Key0123456789abcdefg', baseUrl: sandboxHost('wechat'),
    },
    unionpay: { merId: '777290058110048', certId: '69629715588', privateKey: k.unionpayMerchant.privateKey, unionpayPublicKey: k.unionpay.publicKey, gateway: sandboxHost('unionpay') },
  };
}

/** A payment as the simulated provider knows it once the payer has paid. */
interface ProviderTrade { amount: number; tradeNo: string; createdAt: Date }
export interface SimulatedNotification { method: 'POST' | 'GET'; url: string; headers: Record<string, string>; payload: string }

const json = (status: number, value: unknown, headers: Record<string, string> = {}): HttpResponse => ({ status, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(value) });

/**
 * The built-in provider behind every channel in sandbox mode. It holds the provider-side keys,
 * signs notifications and answers exactly as the real provider does, and answers the adapters'
 * calls (create, query, refund) in-process instead of over the network.
 */
export class ProviderSimulator {
  private readonly trades = new Map<string, ProviderTrade>();
  private readonly configs = sandboxRailConfigs();

  constructor(private readonly clock: () => Date) {}

  /** The payer paid at the provider: from now on a query says so. */
  pay(paymentRef: string, amount: number, createdAt: Date): ProviderTrade {
    const known = this.trades.get(paymentRef);
    if (known) return known;
    const trade = { amount, createdAt, tradeNo: `${Date.now()}${randomBytes(6).toString('hex')}` };
    this.trades.set(paymentRef, trade);
    return trade;
  }

  /** The signed notification the provider sends for a paid trade, to our notify URL. */
  notification(channel: RailChannel, paymentRef: string): SimulatedNotification {
    const trade = this.trades.get(paymentRef);
    if (!trade) throw new Error(`the simulated ${channel} has no paid trade ${paymentRef}`);
    const url = `/api/payments/notify/${channel}`;
    const form = (params: Record<string, string>): SimulatedNotification => ({ method: 'POST', url, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams(params).toString() });
    const c = this.configs;
    const k = sandboxKeys();
    const now = this.clock();
    switch (channel) {
      case 'epay': {
        const params = { pid: c.epay.pid, trade_no: trade.tradeNo, out_trade_no: paymentRef, type: c.epay.type, name: 'Kameng', money: yuanString(trade.amount), trade_status: 'TRADE_SUCCESS' };
        // epay calls the notify URL with GET and the signed query string.
        return { method: 'GET', url: `${url}?${new URLSearchParams({ ...params, sign: epaySign(params, c.epay.key), sign_type: 'MD5' })}`, headers: {}, payload: '' };
      }
      case 'alipay': {
        const params: Record<string, string> = {
          notify_time: beijingTime(now), notify_type: 'trade_status_sync', notify_id: randomUUID().replace(/-/g, ''), app_id: c.alipay.appId, charset: 'utf-8', version: '1.0',
          sign_type: 'RSA2', trade_no: trade.tradeNo, out_trade_no: paymentRef, trade_status: 'TRADE_SUCCESS', total_amount: yuanString(trade.amount), receipt_amount: yuanString(trade.amount),
          gmt_payment: beijingTime(now),
        };
        return form({ ...params, sign: rsaSign(alipayNotifySignContent(params), k.alipay.privateKey) });
      }
      case 'wechat': {
        const transaction = this.wechatTransaction(paymentRef, trade);
        const body = JSON.stringify({
          id: randomUUID(), create_time: now.toISOString(), resource_type: 'encrypt-resource', event_type: 'TRANSACTION.SUCCESS', summary: '支付成功',
          resource: wechatEncrypt(JSON.stringify(transaction), c.wechat.apiV3Key, 'transaction', randomBytes(6).toString('hex')),
        });
        return { method: 'POST', url, headers: { 'content-type': 'application/json', ...wechatSignedHeaders(body, k.wechatPlatform.privateKey, c.wechat.platformSerial, now) }, payload: body };
      }
      case 'unionpay': {
        const params: Record<string, string> = {
          version: '5.1.0', encoding: 'UTF-8', signMethod: '01', txnType: '01', txnSubType: '01', bizType: '000201', accessType: '0', merId: c.unionpay.merId,
          orderId: paymentRef, txnTime: beijingTime(trade.createdAt, true), txnAmt: String(trade.amount), currencyCode: '156', queryId: trade.tradeNo, respCode: '00', respMsg: 'success',
        };
        return form({ ...params, signature: unionpaySign(params, k.unionpay.privateKey) });
      }
    }
  }

  private wechatTransaction(paymentRef: string, trade: ProviderTrade) {
    const c = this.configs.wechat;
    return { appid: c.appId, mchid: c.mchId, out_trade_no: paymentRef, transaction_id: trade.tradeNo, trade_type: 'NATIVE', trade_state: 'SUCCESS', amount: { total: trade.amount, payer_total: trade.amount, currency: 'CNY' } };
  }

  /** The in-process network the adapters use in sandbox mode. */
  readonly transport: Transport = async (request) => {
    const host = new URL(request.url).host;
    if (host === new URL(sandboxHost('epay')).host) return this.epay(request);
    if (host === new URL(sandboxHost('alipay')).host) return this.alipay(request);
    if (host === new URL(sandboxHost('wechat')).host) return this.wechat(request);
    if (host === new URL(sandboxHost('unionpay')).host) return this.unionpay(request);
    throw new Error(`the sandbox network has no host ${host}`);
  };

  private epay(request: HttpRequest): HttpResponse {
    const query = { ...Object.fromEntries(new URL(request.url).searchParams), ...formParams(request.body ?? '') };
    const c = this.configs.epay;
    if (query.pid !== c.pid || query.key !== c.key) return json(200, { code: -1, msg: 'KEY校验失败' });
    if (query.act === 'refund') return json(200, { code: 1, msg: '退款成功' });
    const trade = this.trades.get(query.out_trade_no ?? '');
    if (!trade) return json(200, { code: -1, msg: '订单号不存在' });
    return json(200, { code: 1, msg: 'succ', trade_no: trade.tradeNo, out_trade_no: query.out_trade_no, type: c.type, pid: c.pid, money: yuanString(trade.amount), status: 1 });
  }

  private alipay(request: HttpRequest): HttpResponse {
    const params = formParams(request.body ?? '');
    const k = sandboxKeys();
    const node = `${(params.method ?? 'unknown').replace(/\./g, '_')}_response`;
    const signed = (content: Record<string, string>) => {
      const text = JSON.stringify(content);
      return { status: 200, headers: { 'content-type': 'application/json' }, body: `{"${node}":${text},"sign":"${rsaSign(text, k.alipay.privateKey)}"}` };
    };
    if (!params.sign || !rsaVerify(alipayRequestSignContent(params), params.sign, k.alipayApp.publicKey)) return signed({ code: '40002', msg: 'Invalid Arguments', sub_code: 'isv.invalid-signature' });
    const biz = JSON.parse(params.biz_content ?? '{}') as Record<string, string>;
    const trade = this.trades.get(biz.out_trade_no ?? '');
    if (!trade) return signed({ code: '40004', msg: 'Business Failed', sub_code: 'ACQ.TRADE_NOT_EXIST' });
    if (params.method === 'alipay.trade.refund') return signed({ code: '10000', msg: 'Success', trade_no: trade.tradeNo, out_trade_no: biz.out_trade_no!, refund_fee: biz.refund_amount!, fund_change: 'Y' });
    return signed({ code: '10000', msg: 'Success', trade_no: trade.tradeNo, out_trade_no: biz.out_trade_no!, trade_status: 'TRADE_SUCCESS', total_amount: yuanString(trade.amount) });
  }

  private wechat(request: HttpRequest): HttpResponse {
    const k = sandboxKeys();
    const c = this.configs.wechat;
    const url = new URL(request.url);
    const answer = (status: number, value: unknown) => {
      const body = JSON.stringify(value);
      return { status, headers: { 'content-type': 'application/json', ...wechatSignedHeaders(body, k.wechatPlatform.privateKey, c.platformSerial, this.clock()) }, body };
    };
    const auth = parseWechatAuthorization(request.headers.authorization);
    const message = auth && `${request.method}\n${url.pathname}${url.search}\n${auth.timestamp}\n${auth.nonce_str}\n${request.body ?? ''}\n`;
    if (!auth || auth.mchid !== c.mchId || !rsaVerify(message!, auth.signature ?? '', k.wechatMerchant.publicKey)) return answer(401, { code: 'SIGN_ERROR', message: '签名错误' });
    if (request.method === 'POST' && url.pathname === '/v3/pay/transactions/native') {
      const body = JSON.parse(request.body ?? '{}') as { out_trade_no?: string };
      return answer(200, { code_url: `weixin://wxpay/bizpayurl?pr=${body.out_trade_no ?? ''}` });
    }
    const match = /^\/v3\/pay\/transactions\/out-trade-no\/(\w+)$/.exec(url.pathname);
    if (match) {
      const trade = this.trades.get(match[1]!);
      return trade ? answer(200, this.wechatTransaction(match[1]!, trade)) : answer(404, { code: 'ORDER_NOT_EXIST', message: '订单不存在' });
    }
    if (url.pathname === '/v3/refund/domestic/refunds') return answer(200, { refund_id: randomUUID().replace(/-/g, ''), status: 'PROCESSING' });
    return answer(404, { code: 'NOT_FOUND', message: 'no such API' });
  }

  private unionpay(request: HttpRequest): HttpResponse {
    const k = sandboxKeys();
    const params = formParams(request.body ?? '');
    const reply = (fields: Record<string, string>) => {
      const all = { version: '5.1.0', encoding: 'UTF-8', signMethod: '01', merId: params.merId ?? '', orderId: params.orderId ?? '', ...fields };
      return { status: 200, headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ ...all, signature: unionpaySign(all, k.unionpay.privateKey) }).toString() };
    };
    if (!unionpayVerify(params, k.unionpayMerchant.publicKey)) return reply({ respCode: '11', respMsg: '验证签名失败' });
    if (params.txnType === '04') return reply({ respCode: '00', respMsg: '成功', queryId: randomBytes(10).toString('hex') });
    const trade = this.trades.get(params.orderId ?? '');
    if (!trade) return reply({ respCode: '34', respMsg: '查无此交易' });
    return reply({ respCode: '00', respMsg: '成功', origRespCode: '00', origRespMsg: '成功', queryId: trade.tradeNo, txnAmt: String(trade.amount) });
  }
}
