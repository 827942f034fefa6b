import { generateKeyPairSync } from 'node:crypto';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { alipayNotifySignContent, alipayRequestSignContent, alipayResponseContent, alipaySignRequest, AlipayProvider } from './alipay';
import { alipayCertSn, alipayRootCertSn } from './alipay-cert';
import { readRailConfigs } from './config';
import { sandboxAlipayAppCert, sandboxAlipayRootCert } from './sandbox-certs';
import { epaySign, epayVerify, EpayProvider } from './epay';
import { privateKeyFrom, publicKeyFrom, rsaSign, rsaVerify } from './rsa';
import { fenFromYuan, paymentIdOf, paymentRefOf, yuanString, type Transport } from './types';
import { unionpaySign, unionpayVerify } from './unionpay';
import { wechatAuthorization, wechatCheckSignature, wechatDecrypt, wechatEncrypt, wechatSignedHeaders, parseWechatAuthorization } from './wechat';

const noNetwork: Transport = async () => { throw new Error('no network in unit tests'); };
const pair = () => generateKeyPairSync('rsa', { modulusLength: 2048 });
/** A key made with openssl, and signatures openssl made with it: an implementation other than ours. */
const vectorKey = privateKeyFrom(path.join(import.meta.dirname, 'fixtures/test-vector-key.pem'));

describe('amounts', () => {
  it.each([[1, '0.01'], [10, '0.10'], [1234, '12.34'], [100_000, '1000.00']])('%i fen is "%s" yuan and back', (fen, yuan) => {
    expect(yuanString(fen)).toBe(yuan);
    expect(fenFromYuan(yuan)).toBe(fen);
  });
  it.each(['', '1.234', '-1.00', '1e3', ' 1.00', 'abc', '1.'])('"%s" is not an amount', (text) => expect(fenFromYuan(text)).toBeNaN());
  it('fenFromYuan reads one decimal as tens of fen', () => expect(fenFromYuan('12.3')).toBe(1230));
  it('a payment reference is the id without dashes, and only such a string maps back', () => {
    const id = '0f8fad5b-d9cb-469f-a165-70867728950e';
    expect(paymentIdOf(paymentRefOf(id))).toBe(id);
    expect(paymentIdOf('not-ours')).toBeUndefined();
  });
});

describe('易支付 epay (MD5)', () => {
  const params = { pid: '1001', type: 'alipay', out_trade_no: '20160806151343349', notify_url: 'http://www.pay.com/notify_url.php', return_url: 'http://www.pay.com/return_url.php', name: 'VIP会员', money: '1.00', sitename: '' };
  it('matches a signature computed with md5sum over the documented string (sorted, empty and sign/sign_type left out, key appended)', () => {
    expect(epaySign({ ...params, sign: 'x', sign_type: 'MD5' }, 'abc')).toBe('312a83a369abef9f7f4ada05a43e61fa');
  });
  it('verifies its own signature and refuses a changed amount or another key', () => {
    const signed = { ...params, sign: epaySign(params, 'abc'), sign_type: 'MD5' };
    expect(epayVerify(signed, 'abc')).toBe(true);
    expect(epayVerify({ ...signed, money: '100.00' }, 'abc')).toBe(false);
    expect(epayVerify(signed, 'abd')).toBe(false);
    expect(epayVerify({ ...signed, sign: '' }, 'abc')).toBe(false);
  });
  it('reads a notification from the query string and rejects one for another merchant', () => {
    const provider = new EpayProvider({ url: 'https://pay.example/', pid: '1001', key: 'abc', type: 'alipay' }, noNetwork);
    const n = { pid: '1001', trade_no: 'T1', out_trade_no: 'R1', type: 'alipay', name: 'x', money: '12.34', trade_status: 'TRADE_SUCCESS' };
    const check = provider.verifyNotification({ body: '', headers: {}, query: { ...n, sign: epaySign(n, 'abc'), sign_type: 'MD5' } });
    expect(check).toEqual({ ok: true, paymentRef: 'R1', amount: 1234, providerTradeNo: 'T1', status: 'succeeded', notificationId: 'T1:TRADE_SUCCESS' });
    const other = { ...n, pid: '1002' };
    expect(provider.verifyNotification({ body: '', headers: {}, query: { ...other, sign: epaySign(other, 'abc') } })).toMatchObject({ ok: false, reason: 'another merchant id' });
  });
});

describe('支付宝 Alipay (RSA2)', () => {
  const request = { app_id: '2021000000000000', method: 'alipay.trade.query', charset: 'utf-8', sign_type: 'RSA2', timestamp: '2026-12-01 11:00:00', version: '1.0', biz_content: '{"out_trade_no":"abc","total_amount":"12.34"}' };
  it('signs a request exactly as openssl does over the documented string (sign_type included)', () => {
    expect(alipayRequestSignContent({ ...request, sign: 'x', empty: '' })).toBe('app_id=2021000000000000&biz_content={"out_trade_no":"abc","total_amount":"12.34"}&charset=utf-8&method=alipay.trade.query&sign_type=RSA2&timestamp=2026-12-01 11:00:00&version=1.0');
    expect(alipaySignRequest(request, vectorKey).sign).toBe('ntCiSxNf6GBEVcWhvvGDtYOZkODMQ2FAhA2ImYTvQXtK/TP8ANJCpwt3L1qEfIAn9A4gSfpDuT8oHt3Z7keHU6y3avStPJRnJy+TlILozDhzjGbNuy9apRreX5uhKzzN+NKMGGJX4E3F11kZZXaU6FD+l3iELzBqElSLu2lP1IoTuPzL75V+0tcxnVJsFTKEFKaANP+aDoHo56nccOwZ6ZUxHO45gedpzhqmA4haMAm+0ugd4cpwX+hSt++y3dqxyOu3gfrrVk8qTr+6T1tdi9OutrH+w4V+x6x+4JLR45DwpciIev5dEDHLYtVeEFGnljuzeG9UnYD2+iHsMzsZxA==');
  });
  it('leaves sign and sign_type out of a notification\'s signed string', () => {
    expect(alipayNotifySignContent({ b: '2', a: '1', sign: 's', sign_type: 'RSA2', c: '' })).toBe('a=1&b=2');
  });
  it('a notification signed with Alipay\'s key verifies; a changed parameter or another key does not', () => {
    const app = pair();
    const alipay = pair();
    const provider = new AlipayProvider({ appId: 'A1', gateway: 'https://gw.example/gateway.do', privateKey: app.privateKey, alipayPublicKey: alipay.publicKey }, noNetwork, () => new Date());
    const params = { notify_id: 'N1', app_id: 'A1', sign_type: 'RSA2', trade_no: 'T1', out_trade_no: 'R1', trade_status: 'TRADE_SUCCESS', total_amount: '12.34' };
    const body = (p: Record<string, string>, key = alipay.privateKey) => new URLSearchParams({ ...p, sign: rsaSign(alipayNotifySignContent(p), key) }).toString();
    expect(provider.verifyNotification({ body: body(params), headers: {}, query: {} })).toMatchObject({ ok: true, amount: 1234, paymentRef: 'R1', notificationId: 'N1' });
    const tampered = new URLSearchParams(body(params));
    tampered.set('total_amount', '0.01');
    expect(provider.verifyNotification({ body: tampered.toString(), headers: {}, query: {} })).toMatchObject({ ok: false, reason: 'bad signature' });
    expect(provider.verifyNotification({ body: body(params, app.privateKey), headers: {}, query: {} })).toMatchObject({ ok: false, reason: 'bad signature' });
  });
  it('a 交易投诉 message verifies signed with or without sign_type (rsaCheckV2 / V1); another complaint id, app or key does not', () => {
    // Alipay's key is the openssl test vector; one generated key stands for anyone else's.
    const alipay = { privateKey: vectorKey, publicKey: publicKeyFrom(vectorKey.export({ type: 'pkcs8', format: 'pem' }).toString()) };
    const app = pair();
    const provider = new AlipayProvider({ appId: 'A1', gateway: 'https://gw.example/gateway.do', privateKey: app.privateKey, alipayPublicKey: alipay.publicKey }, noNetwork, () => new Date());
    const params = { app_id: 'A1', msg_method: 'alipay.merchant.tradecomplain.changed', biz_content: '{"complain_event_id":"2020092300102000000001459758"}', charset: 'utf-8', version: '1.1', utc_timestamp: '1516797622752', notify_id: 'N9', sign_type: 'RSA2' };
    const withType = (p: Record<string, string>, key = alipay.privateKey) => new URLSearchParams({ ...p, sign: rsaSign(alipayRequestSignContent(p), key) }).toString();
    const withoutType = (p: Record<string, string>) => new URLSearchParams({ ...p, sign: rsaSign(alipayNotifySignContent(p), alipay.privateKey) }).toString();
    const verified = { ok: true, kind: 'complaint', complaintId: '2020092300102000000001459758', mayBeNew: true, notificationId: 'N9' };
    expect(provider.verifyNotification({ body: withType(params), headers: {}, query: {} })).toMatchObject(verified);
    expect(provider.verifyNotification({ body: withoutType(params), headers: {}, query: {} })).toMatchObject(verified);
    const swapped = new URLSearchParams(withType(params));
    swapped.set('biz_content', '{"complain_event_id":"2020092300102000000000000001"}');
    expect(provider.verifyNotification({ body: swapped.toString(), headers: {}, query: {} })).toMatchObject({ ok: false, reason: 'bad signature' });
    expect(provider.verifyNotification({ body: withType(params, app.privateKey), headers: {}, query: {} })).toMatchObject({ ok: false, reason: 'bad signature' });
    expect(provider.verifyNotification({ body: withType({ ...params, app_id: 'A2' }), headers: {}, query: {} })).toMatchObject({ ok: false, reason: 'another app_id' });
    expect(provider.verifyNotification({ body: withType({ ...params, msg_method: 'alipay.open.other.changed' }), headers: {}, query: {} })).toMatchObject({ ok: false });
  }, 20_000);
  it('computes app_cert_sn and alipay_root_cert_sn as openssl and md5sum do (issuer RFC 2253 + decimal serial; RSA-signed roots only, joined by _)', () => {
    // Expected values: `openssl x509 -issuer -nameopt RFC2253 -serial`, the serial in decimal, through md5sum.
    expect(alipayCertSn(sandboxAlipayAppCert)).toBe('c0ad1d4dcc9482427a054e9e3bfbc595');
    expect(alipayRootCertSn(sandboxAlipayRootCert)).toBe('1536cab7fdcc3529385bf6729cb99d8c_d9d0b0b33bbdd79dadfe4288b5e0ac40');
  });
  it('in certificate mode every request carries both SNs, inside what is signed', async () => {
    const app = { privateKey: vectorKey, publicKey: publicKeyFrom(vectorKey.export({ type: 'pkcs8', format: 'pem' }).toString()) };
    const sent: string[] = [];
    const capture: Transport = async (request) => { sent.push(request.body ?? ''); throw new Error('stop'); };
    const provider = new AlipayProvider({ appId: 'A1', gateway: 'https://gw.example/gateway.do', privateKey: app.privateKey, alipayPublicKey: app.publicKey, certSns: { appCertSn: 'AAA', alipayRootCertSn: 'BBB_CCC' } }, capture, () => new Date());
    await expect(provider.query('R1')).rejects.toThrow('stop');
    const params = Object.fromEntries(new URLSearchParams(sent[0]));
    expect(params).toMatchObject({ app_cert_sn: 'AAA', alipay_root_cert_sn: 'BBB_CCC' });
    expect(rsaVerify(alipayRequestSignContent(params), params.sign!, app.publicKey)).toBe(true);
    expect(alipayRequestSignContent(params)).toContain('alipay_root_cert_sn=BBB_CCC&app_cert_sn=AAA&app_id=A1');
  });
  it('cuts the signed response node out of an answer as its exact text', () => {
    const node = '{"code":"10000","msg":"Success","total_amount":"12.30"}';
    const body = `{"alipay_trade_query_response":${node},"sign":"SIG"}`;
    expect(alipayResponseContent(body, 'alipay.trade.query')).toEqual({ content: node, sign: 'SIG' });
    expect(alipayResponseContent('{"error_response":{}}', 'alipay.trade.query')).toBeUndefined();
  });
});

describe('微信支付 WeChat Pay v3', () => {
  const apiV3Key = '0123456789abcdef0123456789ABCDEF';
  const plaintext = '{"mchid":"1900000000","out_trade_no":"abc","transaction_id":"4200","trade_state":"SUCCESS","amount":{"total":1234}}';
  it('decrypts a resource encrypted by Python\'s cryptography AESGCM (AEAD_AES_256_GCM, tag appended)', () => {
    const ciphertext = '8c0NZjHqmC7+n1mnU6R6zdd3g/hh3z0AfDESFctBWJOQVUYvXr4drP1WZ4xUwuzV1LuQhxzrewhomeBy3U/p/HBOdc6oU2xOmE7hKIt75USzIXhKJuJdauJ5V9apuj/xH1fn843H+go4kRJsKGB1HGwUTDQYKYxxns1M2o1VEVCVCQE=';
    expect(wechatDecrypt({ algorithm: 'AEAD_AES_256_GCM', ciphertext, associated_data: 'transaction', nonce: 'f8c7e2a1b3d4' }, apiV3Key)).toBe(plaintext);
  });
  it('refuses a changed ciphertext, other associated data or another key', () => {
    const resource = wechatEncrypt(plaintext, apiV3Key, 'transaction', 'nonce0123456');
    expect(wechatDecrypt(resource, apiV3Key)).toBe(plaintext);
    const bytes = Buffer.from(resource.ciphertext, 'base64');
    bytes[3]! ^= 1;
    expect(() => wechatDecrypt({ ...resource, ciphertext: bytes.toString('base64') }, apiV3Key)).toThrow();
    expect(() => wechatDecrypt({ ...resource, associated_data: 'refund' }, apiV3Key)).toThrow();
    expect(() => wechatDecrypt(resource, apiV3Key.replace('0', '1'))).toThrow();
  });
  it('builds the Authorization header over method, path, timestamp, nonce and body', () => {
    const merchant = pair();
    const header = wechatAuthorization({ method: 'GET', pathWithQuery: '/v3/certificates', body: '', mchId: '1900', serial: 'S1', key: merchant.privateKey, timestamp: 1554208460, nonce: '593BEC0C930BF1AFEB40B4A08C8FB242' });
    const fields = parseWechatAuthorization(header)!;
    expect(header.startsWith('WECHATPAY2-SHA256-RSA2048 mchid="1900",')).toBe(true);
    expect(fields).toMatchObject({ mchid: '1900', serial_no: 'S1', timestamp: '1554208460', nonce_str: '593BEC0C930BF1AFEB40B4A08C8FB242' });
    expect(rsaVerify('GET\n/v3/certificates\n1554208460\n593BEC0C930BF1AFEB40B4A08C8FB242\n\n', fields.signature!, merchant.publicKey)).toBe(true);
  });
  it('checks the Wechatpay-* signature: a changed body, another serial, or an old timestamp fail', () => {
    const platform = pair();
    const config = { platformPublicKey: platform.publicKey, platformSerial: 'PUB_KEY_ID_1' };
    const now = new Date('2026-12-01T03:00:00Z');
    const body = '{"id":"EV-1"}';
    const headers = wechatSignedHeaders(body, platform.privateKey, 'PUB_KEY_ID_1', now);
    expect(wechatCheckSignature(headers, body, config, now)).toBeUndefined();
    expect(wechatCheckSignature(headers, '{"id":"EV-2"}', config, now)).toBe('bad signature');
    expect(wechatCheckSignature({ ...headers, 'wechatpay-serial': 'OTHER' }, body, config, now)).toBe('unknown Wechatpay-Serial');
    expect(wechatCheckSignature(headers, body, config, new Date(now.getTime() + 301_000))).toBe('timestamp too far from now');
    expect(wechatCheckSignature({}, body, config, now)).toBe('unsigned');
  });
});

describe('银联 UnionPay (signMethod 01)', () => {
  const params = { version: '5.1.0', merId: '777290058110048', orderId: 'abc', txnAmt: '1234', txnTime: '20261201110000', bizType: '000201', accessType: '0' };
  it('signs the SHA-256 hex digest of the sorted string exactly as openssl does', () => {
    expect(unionpaySign({ ...params, signature: 'x' }, vectorKey)).toBe('DbQixOpogtviv9GM7dQflAYr/JFnafYKBdkR5Ucgm1CtEPdtgahfBULNyADCvbRIYiA4oY4iOoDEwsue22emINdXfd647VHJP6r8SWroNNS++M5LpxwG56Rz2G16Vj0roWekQXNTYQee1oRsuryESBbTyHCGboLs0kLjWZYVv3489ktBJSobZmFQ3BC3WILZ7Ox6/JoYDNz6cmQPdWfSIb4HoA9oaSoY9xPijxCaTLTGD87mVX4W6kQ76OSyKhzohEkrSKDB/zkcjDQ5uM2ZYhFueqNC6TpSgbfTAf0kW1VjdEP6osHcWAbuRVDCdEPMgZbQK1QKEF/dLV5QingUeg==');
  });
  it('verifies its own signature and refuses a changed amount or another key', () => {
    const unionpay = pair();
    const signed = { ...params, signature: unionpaySign(params, unionpay.privateKey) };
    expect(unionpayVerify(signed, unionpay.publicKey)).toBe(true);
    expect(unionpayVerify({ ...signed, txnAmt: '1' }, unionpay.publicKey)).toBe(false);
    expect(unionpayVerify(signed, pair().publicKey)).toBe(false);
  });
});

describe('channel configuration', () => {
  const fail = (message: string) => new Error(message);
  it('offers nothing when nothing is set', () => expect(readRailConfigs({}, fail)).toEqual({}));
  it('names the missing variable once a channel is started', () => {
    expect(() => readRailConfigs({ KAMENG_EPAY_URL: 'https://pay.example' }, fail)).toThrow('KAMENG_EPAY_PID is required once the channel is configured');
    expect(() => readRailConfigs({ KAMENG_ALIPAY_APP_ID: '1', KAMENG_ALIPAY_PRIVATE_KEY: 'not a key', KAMENG_ALIPAY_PUBLIC_KEY: 'x' }, fail)).toThrow(/^KAMENG_ALIPAY_PRIVATE_KEY must be a private key/);
    expect(() => readRailConfigs({ KAMENG_WECHAT_MCH_ID: '1', KAMENG_WECHAT_APIV3_KEY: 'short' }, fail)).toThrow('KAMENG_WECHAT_APIV3_KEY must be the 32-character APIv3 key');
  });
  it('reads Alipay 公钥证书 mode: both SNs from the certificates, Alipay\'s key from its certificate', () => {
    const publicCert = sandboxAlipayAppCert; // any certificate stands in for alipayCertPublicKey_RSA2.crt here
    const configs = readRailConfigs({
      KAMENG_ALIPAY_APP_ID: '1', KAMENG_ALIPAY_PRIVATE_KEY: path.join(import.meta.dirname, 'fixtures/test-vector-key.pem'),
      KAMENG_ALIPAY_APP_CERT: sandboxAlipayAppCert, KAMENG_ALIPAY_ROOT_CERT: sandboxAlipayRootCert, KAMENG_ALIPAY_PUBLIC_CERT: publicCert,
    }, fail);
    expect(configs.alipay?.certSns).toEqual({ appCertSn: 'c0ad1d4dcc9482427a054e9e3bfbc595', alipayRootCertSn: '1536cab7fdcc3529385bf6729cb99d8c_d9d0b0b33bbdd79dadfe4288b5e0ac40' });
    expect(configs.alipay?.alipayPublicKey.equals(publicKeyFrom(publicCert))).toBe(true);
    expect(() => readRailConfigs({ KAMENG_ALIPAY_APP_ID: '1', KAMENG_ALIPAY_PRIVATE_KEY: vectorKey.export({ type: 'pkcs8', format: 'pem' }).toString(), KAMENG_ALIPAY_APP_CERT: 'not a certificate', KAMENG_ALIPAY_PUBLIC_CERT: publicCert }, fail))
      .toThrow(/^KAMENG_ALIPAY_APP_CERT must be a PEM certificate/);
  });
  it('reads keys as PEM text with escaped newlines, or from a file', () => {
    const file = path.join(import.meta.dirname, 'fixtures/test-vector-key.pem');
    const pem = vectorKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const publicPem = publicKeyFrom(pem.replace(/\n/g, '\\n')).export({ type: 'spki', format: 'pem' }).toString();
    const configs = readRailConfigs({ KAMENG_ALIPAY_APP_ID: '1', KAMENG_ALIPAY_PRIVATE_KEY: file, KAMENG_ALIPAY_PUBLIC_KEY: publicPem.replace(/\n/g, '\\n') }, fail);
    expect(configs.alipay?.gateway).toBe('https://openapi.alipay.com/gateway.do');
    expect(configs.alipay?.alipayPublicKey.equals(publicKeyFrom(publicPem))).toBe(true);
  });
});
