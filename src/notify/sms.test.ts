import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config';
import { percentEncode, signRpcRequest } from './aliyun-signature';
import { AliyunSmsProvider, createSmsProvider, phonePattern } from './sms';

const aliyun = { accessKeyId: 'testId', accessKeySecret: 'testSecret', signName: '卡盟', templateCode: 'SMS_1', endpoint: 'https://dysmsapi.example', regionId: 'cn-hangzhou' };
const message = { phone: '13800138000', text: '售后已自动通过', params: { title: '售后已自动通过', order: 'KM1' } };

describe('Aliyun SMS adapter', () => {
  it('sends one signed SendSms GET whose signature the receiving side can recompute', async () => {
    const calls: string[] = [];
    const fetchStub = (async (url: string) => {
      calls.push(url);
      return new Response(JSON.stringify({ Code: 'OK', BizId: 'biz-1', RequestId: 'r' }), { status: 200 });
    }) as unknown as typeof fetch;
    const provider = new AliyunSmsProvider(aliyun, fetchStub, () => new Date('2026-12-01T03:00:00.500Z'));
    expect(await provider.send(message)).toEqual({ messageId: 'biz-1' });
    const url = new URL(calls[0]);
    expect(url.origin).toBe('https://dysmsapi.example');
    const params = Object.fromEntries(url.searchParams);
    expect(params).toMatchObject({ Action: 'SendSms', Version: '2017-05-25', PhoneNumbers: '13800138000', SignName: '卡盟', TemplateCode: 'SMS_1', Timestamp: '2026-12-01T03:00:00Z', SignatureMethod: 'HMAC-SHA1' });
    expect(JSON.parse(params.TemplateParam)).toEqual({ title: '售后已自动通过', order: 'KM1' });
    const { Signature, ...signed } = params;
    expect(Signature).toBe(signRpcRequest(signed, 'testSecret'));
    expect(calls[0]).toContain(`Signature=${percentEncode(Signature)}`);
  });

  it('throws when Aliyun refuses, so the job retries', async () => {
    const refuse = (async () => new Response(JSON.stringify({ Code: 'isv.BUSINESS_LIMIT_CONTROL', Message: '触发流控' }), { status: 200 })) as unknown as typeof fetch;
    await expect(new AliyunSmsProvider(aliyun, refuse).send(message)).rejects.toThrow(/BUSINESS_LIMIT_CONTROL/);
  });

  it('is configured from the environment and checked at start', () => {
    const base = { KAMENG_SANDBOX: '0', KAMENG_SECRET: 'x'.repeat(40) };
    expect(loadConfig(base).sms).toEqual({ provider: 'off' });
    expect(loadConfig({ KAMENG_SECRET: 'x'.repeat(40), KAMENG_DATA_DIR: '/tmp/kameng-sms-config' }).sms).toEqual({ provider: 'sandbox' });
    expect(() => loadConfig({ ...base, KAMENG_SMS_PROVIDER: 'aliyun', ALIYUN_SMS_ACCESS_KEY_ID: 'a' })).toThrow(/ALIYUN_SMS_ACCESS_KEY_SECRET, ALIYUN_SMS_SIGN_NAME, ALIYUN_SMS_TEMPLATE_CODE/);
    expect(() => loadConfig({ ...base, KAMENG_SMS_PROVIDER: 'sandbox' })).toThrow(/KAMENG_SANDBOX/);
    expect(() => loadConfig({ ...base, KAMENG_SMS_PROVIDER: 'carrier-pigeon' })).toThrow(/KAMENG_SMS_PROVIDER/);
    const config = loadConfig({ ...base, KAMENG_SMS_PROVIDER: 'aliyun', ALIYUN_SMS_ACCESS_KEY_ID: 'a', ALIYUN_SMS_ACCESS_KEY_SECRET: 'b', ALIYUN_SMS_SIGN_NAME: 'c', ALIYUN_SMS_TEMPLATE_CODE: 'd' });
    expect(config.sms).toMatchObject({ provider: 'aliyun', endpoint: 'https://dysmsapi.aliyuncs.com', regionId: 'cn-hangzhou' });
    expect(createSmsProvider(config.sms, false)?.name).toBe('aliyun');
    expect(createSmsProvider({ provider: 'sandbox' }, false)).toBeNull();
  });

  it('accepts mainland mobiles and + international numbers only', () => {
    expect(['13800138000', '+85291234567'].every((p) => phonePattern.test(p))).toBe(true);
    expect(['12345', '23800138000', '+0123', '138001380001'].some((p) => phonePattern.test(p))).toBe(false);
  });
});
