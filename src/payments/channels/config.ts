import type { AlipayConfig } from './alipay';
import { alipayCertSn, alipayRootCertSn } from './alipay-cert';
import type { EpayConfig } from './epay';
import { privateKeyFrom, publicKeyFrom, readKeyText } from './rsa';
import type { UnionpayConfig } from './unionpay';
import type { WechatConfig } from './wechat';

/** The real channels this deployment is configured for; an absent one is not offered. */
export interface RailConfigs { alipay?: AlipayConfig; wechat?: WechatConfig; unionpay?: UnionpayConfig; epay?: EpayConfig }

type Env = NodeJS.ProcessEnv;
const read = (env: Env, name: string): string | undefined => (env[name]?.trim() ? env[name]!.trim() : undefined);

/** A channel's variables: all required ones once its first one is set. Messages fit one line. */
class ChannelEnv {
  constructor(private readonly env: Env, private readonly fail: (message: string) => Error) {}
  need(name: string): string {
    const value = read(this.env, name);
    if (!value) throw this.fail(`${name} is required once the channel is configured`);
    return value;
  }
  optional(name: string, fallback: string): string { return read(this.env, name) ?? fallback; }
  url(name: string, fallback: string): string {
    const value = this.optional(name, fallback);
    if (!URL.canParse(value) || !['https:', 'http:'].includes(new URL(value).protocol)) throw this.fail(`${name} must be an http(s) URL`);
    return value.replace(/\/$/, '');
  }
  privateKey(name: string) { return this.key(name, privateKeyFrom, 'a private key'); }
  /** A certificate's (or bundle's) serial number as Alipay computes it. */
  certSn(name: string, compute: (pem: string) => string): string { return this.key(name, (value) => compute(readKeyText(value)), 'a PEM certificate'); }
  publicKey(name: string) { return this.key(name, publicKeyFrom, 'a public key or certificate'); }
  private key<T>(name: string, parse: (value: string) => T, what: string): T {
    const value = this.need(name);
    try {
      return parse(value);
    } catch {
      throw this.fail(`${name} must be ${what}: PEM text, a path to a PEM file, or base64 DER`);
    }
  }
}

/** Reads KAMENG_ALIPAY_*, KAMENG_WECHAT_*, KAMENG_UNIONPAY_*, KAMENG_EPAY_*; a broken one throws `fail(message)`. */
export function readRailConfigs(env: Env, fail: (message: string) => Error): RailConfigs {
  const e = new ChannelEnv(env, fail);
  const configs: RailConfigs = {};
  if (read(env, 'KAMENG_ALIPAY_APP_ID')) {
    // 公钥证书模式 once the application certificate is given: Alipay's key then comes from its public-key certificate.
    const certMode = Boolean(read(env, 'KAMENG_ALIPAY_APP_CERT'));
    configs.alipay = {
      appId: e.need('KAMENG_ALIPAY_APP_ID'), gateway: e.url('KAMENG_ALIPAY_GATEWAY', 'https://openapi.alipay.com/gateway.do'),
      privateKey: e.privateKey('KAMENG_ALIPAY_PRIVATE_KEY'), alipayPublicKey: e.publicKey(certMode ? 'KAMENG_ALIPAY_PUBLIC_CERT' : 'KAMENG_ALIPAY_PUBLIC_KEY'),
      ...(certMode ? { certSns: { appCertSn: e.certSn('KAMENG_ALIPAY_APP_CERT', alipayCertSn), alipayRootCertSn: e.certSn('KAMENG_ALIPAY_ROOT_CERT', alipayRootCertSn) } } : {}),
    };
  }
  if (read(env, 'KAMENG_WECHAT_MCH_ID')) {
    const apiV3Key = e.need('KAMENG_WECHAT_APIV3_KEY');
    if (Buffer.byteLength(apiV3Key) !== 32) throw fail('KAMENG_WECHAT_APIV3_KEY must be the 32-character APIv3 key');
    configs.wechat = {
      appId: e.need('KAMENG_WECHAT_APP_ID'), mchId: e.need('KAMENG_WECHAT_MCH_ID'), merchantSerial: e.need('KAMENG_WECHAT_MERCHANT_SERIAL'),
      merchantPrivateKey: e.privateKey('KAMENG_WECHAT_PRIVATE_KEY'), platformPublicKey: e.publicKey('KAMENG_WECHAT_PLATFORM_PUBLIC_KEY'),
      platformSerial: e.need('KAMENG_WECHAT_PLATFORM_SERIAL'), apiV3Key, baseUrl: e.url('KAMENG_WECHAT_BASE_URL', 'https://api.mch.weixin.qq.com'),
    };
  }
  if (read(env, 'KAMENG_UNIONPAY_MER_ID')) {
    configs.unionpay = {
      merId: e.need('KAMENG_UNIONPAY_MER_ID'), certId: e.need('KAMENG_UNIONPAY_CERT_ID'), privateKey: e.privateKey('KAMENG_UNIONPAY_PRIVATE_KEY'),
      unionpayPublicKey: e.publicKey('KAMENG_UNIONPAY_PUBLIC_KEY'), gateway: e.url('KAMENG_UNIONPAY_GATEWAY', 'https://gateway.95516.com'),
    };
  }
  if (read(env, 'KAMENG_EPAY_URL')) {
    configs.epay = { url: `${e.url('KAMENG_EPAY_URL', '')}/`, pid: e.need('KAMENG_EPAY_PID'), key: e.need('KAMENG_EPAY_KEY'), type: e.optional('KAMENG_EPAY_TYPE', 'alipay') };
  }
  return configs;
}
