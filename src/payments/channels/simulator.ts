import { constants, createPrivateKey, createPublicKey, generateKeyPair, generateKeyPairSync, privateDecrypt, randomBytes, randomUUID, type KeyObject } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { alipayComplaintMessage, alipayRequestSignContent, alipayNotifySignContent } from './alipay';
import { alipayCertSn, alipayRootCertSn } from './alipay-cert';
import { sandboxAlipayAppCert, sandboxAlipayRootCert } from './sandbox-certs';
import { epaySign } from './epay';
import { rsaSign, rsaVerify } from './rsa';
import {
  beijingTime, canonicalParams, fenFromYuan, formParams, yuanString,
  type HttpRequest, type HttpResponse, type RailChannel, type Transport,
} from './types';
import { unionpaySign, unionpayVerify } from './unionpay';
import { parseWechatAuthorization, wechatEncrypt, wechatSignedHeaders } from './wechat';
import type { RailConfigs } from './config';

interface KeyPair { privateKey: KeyObject; publicKey: KeyObject }
const pair = (): KeyPair => generateKeyPairSync('rsa', { modulusLength: 2048 });

const keyNames = ['alipayApp', 'alipay', 'wechatMerchant', 'wechatPlatform', 'unionpayMerchant', 'unionpay'] as const;
type SandboxKeys = Record<(typeof keyNames)[number], KeyPair>;
/**
 * The simulated providers' and merchant's RSA keys, one set per process: read from the data folder
 * by `loadSandboxKeys` (a server), else generated on first use (unit tests; six 2048-bit pairs cost
 * about a second of CPU, hence the file).
 */
let keys: SandboxKeys | undefined;
const sandboxKeys = (): SandboxKeys => (keys ??= Object.fromEntries(keyNames.map((name) => [name, pair()])) as SandboxKeys);

/** The sandbox keys' file in the data folder: private keys as PKCS#8 PEM, readable by the owner only. */
export const sandboxKeysFileName = 'sandbox-keys.json';

/**
 * Sandbox start-up: the keys the data folder holds, or new ones (generated off the event loop)
 * written there, so a restart skips key generation and notifications signed before it still verify.
 * An unreadable or incomplete file is replaced.
 */
export async function loadSandboxKeys(dataDir: string): Promise<void> {
  if (keys) return;
  const file = path.join(dataDir, sandboxKeysFileName);
  try {
    const stored = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
    keys = Object.fromEntries(keyNames.map((name) => {
      const privateKey = createPrivateKey(stored[name]!);
      return [name, { privateKey, publicKey: createPublicKey(privateKey) }];
    })) as SandboxKeys;
    return;
  } catch {
    // missing or damaged: make new ones
  }
  const generate = promisify(generateKeyPair);
  const made = await Promise.all(keyNames.map(async (name) => [name, await generate('rsa', { modulusLength: 2048 })] as const));
  keys ??= Object.fromEntries(made) as SandboxKeys;
  const pems = Object.fromEntries(keyNames.map((name) => [name, keys![name].privateKey.export({ type: 'pkcs8', format: 'pem' })]));
  // Written whole under another name, then renamed: a process reading it meanwhile sees no file or all of it.
  mkdirSync(dataDir, { recursive: true });
  const partial = `${file}.${process.pid}.tmp`;
  writeFileSync(partial, JSON.stringify(pems), { mode: 0o600 });
  renameSync(partial, file);
}

const sandboxHost = (channel: string) => `https://${channel}.sandbox.kameng.invalid`;

let alipaySns: { appCertSn: string; alipayRootCertSn: string } | undefined;
/** The sandbox runs Alipay in 公钥证书 mode, as fund transfers require. */
const sandboxAlipayCertSns = () => (alipaySns ??= { appCertSn: alipayCertSn(sandboxAlipayAppCert), alipayRootCertSn: alipayRootCertSn(sandboxAlipayRootCert) });

/** The simulated providers' merchant configuration: what a real deployment reads from its environment. */
export function sandboxRailConfigs(): Required<RailConfigs> {
  const k = sandboxKeys();
  return {
    epay: { url: `${sandboxHost('epay')}/`, pid: '1001', key: 'sandbox-epay-merchant-key', type: 'alipay' },
    alipay: {
      appId: '2021000000000000', gateway: `${sandboxHost('alipay')}/gateway.do`, privateKey: k.alipayApp.privateKey, alipayPublicKey: k.alipay.publicKey,
      certSns: sandboxAlipayCertSns(),
    },
    wechat: {
      appId: 'wx0000000000sandbox', mchId: '1900000000', merchantSerial: 'SANDBOXMERCHANTSERIAL', merchantPrivateKey: k.wechatMerchant.privateKey,
      platformPublicKey: k.wechatPlatform.publicKey, platformSerial: 'PUB_KEY_ID_SANDBOX', apiV3Key: 'sandboxApiV3Key0123456789abcdefg', baseUrl: sandboxHost('wechat'),
    },
    unionpay: { merId: '777290058110048', certId: '69629715588', privateKey: k.unionpayMerchant.privateKey, unionpayPublicKey: k.unionpay.publicKey, gateway: sandboxHost('unionpay') },
  };
}

/** A payment as the simulated provider knows it once the payer has paid. */
interface ProviderTrade { amount: number; tradeNo: string; createdAt: Date }
/** A refund or payout the simulated provider accepted: processing until it settles (or a sandbox trigger fails it). */
interface ProviderOrder { status: 'processing' | 'succeeded' | 'failed'; amount: number; providerNo: string; paymentRef?: string; account?: string }
interface ProviderComplaint { channel: 'wechat' | 'alipay'; paymentRef: string; description: string; amount: number; createdAt: Date }
export interface SimulatedNotification { method: 'POST' | 'GET'; url: string; headers: Record<string, string>; payload: string }

const json = (status: number, value: unknown, headers: Record<string, string> = {}): HttpResponse => ({ status, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(value) });

/**
 * The built-in provider behind every channel in sandbox mode. It holds the provider-side keys,
 * signs notifications and answers exactly as the real provider does, and answers the adapters'
 * calls (create, query, refund) in-process instead of over the network.
 */
export class ProviderSimulator {
  private readonly trades = new Map<string, ProviderTrade>();
  private readonly refunds = new Map<string, ProviderOrder>();
  private readonly payouts = new Map<string, ProviderOrder>();
  private readonly complaints = new Map<string, ProviderComplaint>();
  /** Sandbox triggers armed before the provider is asked: refund references and payee accounts to refuse. */
  private readonly refundsToRefuse = new Set<string>();
  private readonly payeesToRefuse = new Set<string>();
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

  /**
   * Sandbox trigger: the refund fails at the provider. One it already accepted fails now (and
   * returns true); one not asked yet is refused when it is.
   */
  failRefund(refundRef: string): boolean {
    const known = this.refunds.get(refundRef);
    if (known?.status === 'processing') {
      known.status = 'failed';
      return true;
    }
    this.refundsToRefuse.add(refundRef);
    return false;
  }

  /** Sandbox trigger: a processing refund succeeds now (as the provider's own query would find). */
  settleRefund(refundRef: string): boolean {
    const known = this.refunds.get(refundRef);
    if (known?.status !== 'processing') return false;
    known.status = 'succeeded';
    return true;
  }

  /** Sandbox trigger: the payout to this payee fails (one under way now, or else the next one). */
  failPayoutTo(account: string): boolean {
    const under = [...this.payouts.values()].find((p) => p.account === account && p.status === 'processing');
    if (under) {
      under.status = 'failed';
      return true;
    }
    this.payeesToRefuse.add(account);
    return false;
  }

  /** The payer complains at the provider about a paid trade (a chargeback): returns the complaint id. */
  complain(paymentRef: string, description: string, channel: ProviderComplaint['channel'] = 'wechat'): string {
    const trade = this.trades.get(paymentRef);
    if (!trade) throw new Error(`the simulated provider has no paid trade ${paymentRef}`);
    const id = `${Date.now()}${randomBytes(5).toString('hex')}`;
    this.complaints.set(id, { channel, paymentRef, description, amount: trade.amount, createdAt: this.clock() });
    return id;
  }

  /** The signed refund notification WeChat (REFUND.*) or UnionPay (refund backUrl) sends once a refund settled; undefined for the others. */
  refundNotification(channel: RailChannel, refundRef: string): SimulatedNotification | undefined {
    const refund = this.refunds.get(refundRef);
    if (!refund || refund.status === 'processing') return undefined;
    const url = `/api/payments/notify/${channel}`;
    const c = this.configs;
    const k = sandboxKeys();
    const now = this.clock();
    if (channel === 'wechat') {
      const status = refund.status === 'succeeded' ? 'SUCCESS' : 'ABNORMAL';
      const resource = { mchid: c.wechat.mchId, out_trade_no: refund.paymentRef, transaction_id: this.trades.get(refund.paymentRef ?? '')?.tradeNo, out_refund_no: refundRef, refund_id: refund.providerNo, refund_status: status, amount: { refund: refund.amount, payer_refund: refund.amount } };
      const body = JSON.stringify({
        id: randomUUID(), create_time: now.toISOString(), resource_type: 'encrypt-resource', event_type: `REFUND.${status}`, summary: status === 'SUCCESS' ? '退款成功' : '退款异常',
        resource: wechatEncrypt(JSON.stringify(resource), c.wechat.apiV3Key, 'refund', randomBytes(6).toString('hex'), 'refund'),
      });
      return { method: 'POST', url, headers: { 'content-type': 'application/json', ...wechatSignedHeaders(body, k.wechatPlatform.privateKey, c.wechat.platformSerial, now) }, payload: body };
    }
    if (channel === 'unionpay') {
      const params: Record<string, string> = {
        version: '5.1.0', encoding: 'UTF-8', signMethod: '01', txnType: '04', txnSubType: '00', bizType: '000201', accessType: '0', merId: c.unionpay.merId,
        orderId: refundRef, txnTime: beijingTime(now, true), txnAmt: String(refund.amount), currencyCode: '156', queryId: refund.providerNo,
        respCode: refund.status === 'succeeded' ? '00' : '03', respMsg: refund.status === 'succeeded' ? 'success' : '交易失败',
      };
      return { method: 'POST', url, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams({ ...params, signature: unionpaySign(params, k.unionpay.privateKey) }).toString() };
    }
    return undefined;
  }

  /**
   * The signed complaint notification of the complaint's channel: WeChat's COMPLAINT.CREATE, or
   * Alipay's alipay.merchant.tradecomplain.changed message. The adapter fetches the details afterwards.
   */
  complaintNotification(complaintId: string): SimulatedNotification {
    const now = this.clock();
    if (this.complaints.get(complaintId)?.channel === 'alipay') {
      const params: Record<string, string> = {
        app_id: this.configs.alipay.appId, msg_method: alipayComplaintMessage, biz_content: JSON.stringify({ complain_event_id: complaintId }),
        charset: 'utf-8', version: '1.1', utc_timestamp: String(now.getTime()), notify_id: randomUUID().replace(/-/g, ''), sign_type: 'RSA2',
      };
      // Messages are signed with sign_type included (rsaCheckV2).
      const payload = new URLSearchParams({ ...params, sign: rsaSign(canonicalParams(params, ['sign']), sandboxKeys().alipay.privateKey) }).toString();
      return { method: 'POST', url: '/api/payments/notify/alipay', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload };
    }
    const c = this.configs.wechat;
    const body = JSON.stringify({
      id: randomUUID(), create_time: now.toISOString(), resource_type: 'encrypt-resource', event_type: 'COMPLAINT.CREATE', summary: '产生新投诉',
      resource: wechatEncrypt(JSON.stringify({ complaint_id: complaintId, action_type: 'CREATE_COMPLAINT' }), c.apiV3Key, 'complaint', randomBytes(6).toString('hex'), 'complaint'),
    });
    return { method: 'POST', url: '/api/payments/notify/wechat', headers: { 'content-type': 'application/json', ...wechatSignedHeaders(body, sandboxKeys().wechatPlatform.privateKey, c.platformSerial, now) }, payload: body };
  }

  /** A refund request the provider accepted: refused when a trigger said so, else processing. */
  private acceptRefund(refundRef: string, amount: number, paymentRef: string): ProviderOrder | undefined {
    if (this.refundsToRefuse.delete(refundRef)) return undefined;
    const known = this.refunds.get(refundRef);
    if (known) return known;
    const order: ProviderOrder = { status: 'processing', amount, paymentRef, providerNo: randomBytes(10).toString('hex') };
    this.refunds.set(refundRef, order);
    return order;
  }

  /** A refund queried: one still processing has settled by now (the simulated provider is quick). */
  private queriedRefund(refundRef: string): ProviderOrder | undefined {
    const known = this.refunds.get(refundRef);
    if (known?.status === 'processing') known.status = 'succeeded';
    return known;
  }

  private acceptPayout(payoutRef: string, amount: number, account: string, settled: boolean): ProviderOrder | undefined {
    const known = this.payouts.get(payoutRef);
    if (known) return known;
    if (this.payeesToRefuse.delete(account)) return undefined;
    const order: ProviderOrder = { status: settled ? 'succeeded' : 'processing', amount, account, providerNo: randomBytes(10).toString('hex') };
    this.payouts.set(payoutRef, order);
    return order;
  }

  private queriedPayout(payoutRef: string): ProviderOrder | undefined {
    const known = this.payouts.get(payoutRef);
    if (known?.status === 'processing') known.status = 'succeeded';
    return known;
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
    if (query.act === 'refund') {
      // epay's refund has no reference of ours: the refused one is whichever was armed for this trade.
      const refused = [...this.refundsToRefuse].find((ref) => ref.startsWith(`${query.out_trade_no ?? ''}:`));
      if (refused) {
        this.refundsToRefuse.delete(refused);
        return json(200, { code: -1, msg: '退款失败' });
      }
      return json(200, { code: 1, msg: '退款成功' });
    }
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
    // Certificate SNs, when sent, must be the ones of the certificates on file; a transfer needs them (the sub codes are the simulator's own).
    const sns = sandboxAlipayCertSns();
    if (params.app_cert_sn !== undefined && params.app_cert_sn !== sns.appCertSn) return signed({ code: '40002', msg: 'Invalid Arguments', sub_code: 'isv.invalid-app-cert-sn' });
    if (params.alipay_root_cert_sn !== undefined && params.alipay_root_cert_sn !== sns.alipayRootCertSn) return signed({ code: '40002', msg: 'Invalid Arguments', sub_code: 'isv.invalid-alipay-root-cert-sn' });
    if (params.method === 'alipay.fund.trans.uni.transfer' && (!params.app_cert_sn || !params.alipay_root_cert_sn)) {
      return signed({ code: '40002', msg: 'Invalid Arguments', sub_code: 'isv.missing-app-cert-sn', sub_msg: '转账接口需使用公钥证书模式' });
    }
    const biz = JSON.parse(params.biz_content ?? '{}') as Record<string, any>;
    if (params.method === 'alipay.fund.trans.uni.transfer') {
      const payee = biz.payee_info as { identity?: string; name?: string } | undefined;
      if (!payee?.identity || !payee.name) return signed({ code: '40004', msg: 'Business Failed', sub_code: 'PAYEE_USER_INFO_ERROR', sub_msg: '收款方信息不完整' });
      const payout = this.acceptPayout(biz.out_biz_no, fenFromYuan(biz.trans_amount), payee.identity, true);
      if (!payout) return signed({ code: '40004', msg: 'Business Failed', sub_code: 'PAYEE_NOT_EXIST', sub_msg: '收款账号不存在或姓名有误' });
      return signed({ code: '10000', msg: 'Success', out_biz_no: biz.out_biz_no, order_id: payout.providerNo, pay_fund_order_id: payout.providerNo, status: payout.status === 'succeeded' ? 'SUCCESS' : 'FAIL' });
    }
    if (params.method === 'alipay.fund.trans.common.query') {
      const payout = this.queriedPayout(biz.out_biz_no);
      if (!payout) return signed({ code: '40004', msg: 'Business Failed', sub_code: 'ORDER_NOT_EXIST' });
      return signed({ code: '10000', msg: 'Success', out_biz_no: biz.out_biz_no, order_id: payout.providerNo, status: payout.status === 'succeeded' ? 'SUCCESS' : payout.status === 'failed' ? 'FAIL' : 'DEALING', trans_amount: yuanString(payout.amount) });
    }
    if (params.method === 'alipay.merchant.tradecomplain.query') {
      const complaint = this.complaints.get(biz.complain_event_id ?? '');
      if (complaint?.channel !== 'alipay') return signed({ code: '40004', msg: 'Business Failed', sub_code: 'COMPLAIN_EVENT_NOT_EXIST', sub_msg: '投诉单不存在' });
      return signed({
        code: '10000', msg: 'Success', complain_event_id: biz.complain_event_id, status: 'MERCHANT_PROCESSING', trade_no: this.trades.get(complaint.paymentRef)?.tradeNo ?? '',
        merchant_order_no: complaint.paymentRef, gmt_create: beijingTime(complaint.createdAt), gmt_modified: beijingTime(complaint.createdAt),
        leaf_category_name: '退款', complain_reason: '商品问题', content: complaint.description, trade_amount: yuanString(complaint.amount),
      });
    }
    const trade = this.trades.get(biz.out_trade_no ?? '');
    if (!trade) return signed({ code: '40004', msg: 'Business Failed', sub_code: 'ACQ.TRADE_NOT_EXIST' });
    if (params.method === 'alipay.trade.refund') {
      const refund = this.acceptRefund(biz.out_request_no, fenFromYuan(biz.refund_amount), biz.out_trade_no);
      if (!refund) return signed({ code: '40004', msg: 'Business Failed', sub_code: 'ACQ.TRADE_STATUS_ERROR', sub_msg: '交易状态不合法' });
      return signed({ code: '10000', msg: 'Success', trade_no: trade.tradeNo, out_trade_no: biz.out_trade_no!, refund_fee: biz.refund_amount!, fund_change: 'Y' });
    }
    if (params.method === 'alipay.trade.fastpay.refund.query') {
      const refund = this.queriedRefund(biz.out_request_no);
      if (!refund) return signed({ code: '10000', msg: 'Success', out_trade_no: biz.out_trade_no! });
      return signed({ code: '10000', msg: 'Success', out_trade_no: biz.out_trade_no!, out_request_no: biz.out_request_no, refund_amount: yuanString(refund.amount), ...(refund.status === 'succeeded' ? { refund_status: 'REFUND_SUCCESS' } : {}) });
    }
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
    if (request.method === 'POST' && url.pathname === '/v3/refund/domestic/refunds') {
      const body = JSON.parse(request.body ?? '{}') as { out_trade_no?: string; out_refund_no?: string; amount?: { refund?: number } };
      const refund = this.acceptRefund(body.out_refund_no ?? '', body.amount?.refund ?? 0, body.out_trade_no ?? '');
      if (!refund) return answer(403, { code: 'NOT_ENOUGH', message: '基本账户余额不足' });
      return answer(200, { refund_id: refund.providerNo, out_refund_no: body.out_refund_no, status: 'PROCESSING' });
    }
    const refundQuery = /^\/v3\/refund\/domestic\/refunds\/(\w+)$/.exec(url.pathname);
    if (refundQuery) {
      const refund = this.queriedRefund(refundQuery[1]!);
      if (!refund) return answer(404, { code: 'RESOURCE_NOT_EXISTS', message: '退款单不存在' });
      return answer(200, { refund_id: refund.providerNo, out_refund_no: refundQuery[1], status: refund.status === 'succeeded' ? 'SUCCESS' : 'ABNORMAL' });
    }
    if (request.method === 'POST' && url.pathname === '/v3/transfer/batches') {
      const body = JSON.parse(request.body ?? '{}') as { out_batch_no?: string; total_amount?: number; transfer_detail_list?: Array<{ openid?: string; user_name?: string }> };
      const detail = body.transfer_detail_list?.[0];
      // The payee's name must arrive encrypted to the platform key, with the platform serial named.
      let name = '';
      try {
        name = privateDecrypt({ key: k.wechatPlatform.privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' }, Buffer.from(detail?.user_name ?? '', 'base64')).toString('utf8');
      } catch { /* stays empty */ }
      if (request.headers['wechatpay-serial'] !== c.platformSerial || !name || !detail?.openid) return answer(400, { code: 'PARAM_ERROR', message: '收款用户姓名需加密' });
      const payout = this.acceptPayout(body.out_batch_no ?? '', body.total_amount ?? 0, detail.openid, false);
      if (!payout) return answer(400, { code: 'INVALID_REQUEST', message: '收款用户不存在' });
      return answer(200, { out_batch_no: body.out_batch_no, batch_id: payout.providerNo, create_time: this.clock().toISOString(), batch_status: 'ACCEPTED' });
    }
    const transferQuery = /^\/v3\/transfer\/batches\/out-batch-no\/(\w+)\/details\/out-detail-no\/(\w+)$/.exec(url.pathname);
    if (transferQuery) {
      const payout = this.queriedPayout(transferQuery[1]!);
      if (!payout) return answer(404, { code: 'NOT_FOUND', message: '记录不存在' });
      return answer(200, { out_detail_no: transferQuery[2], detail_id: payout.providerNo, detail_status: payout.status === 'succeeded' ? 'SUCCESS' : 'FAIL', ...(payout.status === 'failed' ? { fail_reason: 'ACCOUNT_FROZEN' } : {}) });
    }
    const complaintQuery = /^\/v3\/merchant-service\/complaints-v2\/(\w+)$/.exec(url.pathname);
    if (complaintQuery) {
      const complaint = this.complaints.get(complaintQuery[1]!);
      if (!complaint) return answer(404, { code: 'RESOURCE_NOT_EXISTS', message: '投诉单不存在' });
      return answer(200, {
        complaint_id: complaintQuery[1], complaint_time: complaint.createdAt.toISOString(), complaint_detail: complaint.description, complaint_state: 'PENDING',
        complaint_order_info: [{ transaction_id: this.trades.get(complaint.paymentRef)?.tradeNo, out_trade_no: complaint.paymentRef, amount: complaint.amount }],
      });
    }
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
    if (params.txnType === '04') {
      const refund = this.acceptRefund(params.orderId ?? '', Number(params.txnAmt), '');
      return refund ? reply({ respCode: '00', respMsg: '成功', queryId: refund.providerNo }) : reply({ respCode: '12', respMsg: '交易状态不正确' });
    }
    if (params.txnType === '12') {
      const payout = params.accNo && params.customerInfo ? this.acceptPayout(params.orderId ?? '', Number(params.txnAmt), params.accNo, false) : undefined;
      return payout ? reply({ respCode: '00', respMsg: '成功', queryId: payout.providerNo }) : reply({ respCode: '14', respMsg: '无效卡号' });
    }
    const settled = params.txnType === '00' && (this.queriedRefund(params.orderId ?? '') ?? this.queriedPayout(params.orderId ?? ''));
    if (settled) {
      return reply({ respCode: '00', respMsg: '成功', origRespCode: settled.status === 'succeeded' ? '00' : settled.status === 'failed' ? '01' : '05', origRespMsg: settled.status, queryId: settled.providerNo, txnAmt: String(settled.amount) });
    }
    const trade = this.trades.get(params.orderId ?? '');
    if (!trade) return reply({ respCode: '34', respMsg: '查无此交易' });
    return reply({ respCode: '00', respMsg: '成功', origRespCode: '00', origRespMsg: '成功', queryId: trade.tradeNo, txnAmt: String(trade.amount) });
  }
}
