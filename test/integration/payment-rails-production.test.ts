import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config';
import { epaySign, epayVerify } from '../../src/payments/channels/epay';
import { password } from '../support/api';
import { useProductionApp } from '../support/harness';

/** Production mode with one configured channel (epay): no simulator, the merchant key is the only signer. */
const epay = { url: 'https://pay.example.invalid/', pid: '2002', key: 'production-epay-key', type: 'alipay' };
const prod = useProductionApp({ publicUrl: 'https://shop.example', rails: { epay } });


describe('a configured channel in production', () => {
  it('is the only one offered, and its signed notification pays a deposit', async () => {
    expect(await prod.api.ok('GET', '/api/payments/channels')).toEqual({ sandbox: false, channels: ['epay'] });
    const merchant = await prod.api.ok('POST', '/api/auth/register', { body: { email: `m-${randomUUID()}@example.com`, password, role: 'merchant' } });
    const shop = await prod.api.ok('POST', '/api/shops', { token: merchant.token, body: { name: `Prod ${randomUUID().slice(0, 8)}` } });
    const refused = await prod.api.call('POST', `/api/shops/${shop.id}/deposit`, { token: merchant.token, body: { amount: 10_000, channel: 'alipay' } });
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatchObject({ code: 'CHANNEL_NOT_SUPPORTED', details: { channels: ['epay'] } });

    const { payment } = await prod.api.ok('POST', `/api/shops/${shop.id}/deposit`, { token: merchant.token, body: { amount: 10_000, channel: 'epay' } });
    const payUrl = new URL(payment.payAction.url);
    expect(`${payUrl.origin}${payUrl.pathname}`).toBe('https://pay.example.invalid/submit.php');
    const sent = Object.fromEntries(payUrl.searchParams);
    expect(sent).toMatchObject({ pid: '2002', money: '100.00', notify_url: 'https://shop.example/api/payments/notify/epay', out_trade_no: payment.id.replace(/-/g, ''), sign_type: 'MD5' });
    expect(epayVerify(sent, epay.key)).toBe(true);

    const notification = { pid: '2002', trade_no: 'EP2026120100001', out_trade_no: sent.out_trade_no!, type: 'alipay', name: sent.name!, money: '100.00', trade_status: 'TRADE_SUCCESS' };
    const forged = await prod.api.call('GET', `/api/payments/notify/epay?${new URLSearchParams({ ...notification, sign: epaySign(notification, 'guessed-key'), sign_type: 'MD5' })}`);
    expect(forged.status).toBe(400);
    expect((await prod.api.ok('GET', `/api/shops/${shop.id}/balance`, { token: merchant.token })).deposit).toBe(0);

    const res = await prod.kameng.server.inject({ method: 'GET', url: `/api/payments/notify/epay?${new URLSearchParams({ ...notification, sign: epaySign(notification, epay.key), sign_type: 'MD5' })}` });
    expect([res.statusCode, res.body]).toEqual([200, 'success']);
    expect((await prod.api.ok('GET', `/api/shops/${shop.id}/balance`, { token: merchant.token })).deposit).toBe(10_000);
  });

  it('a channel that is not configured has no notify route behind it', async () => {
    const res = await prod.api.call('POST', '/api/payments/notify/wechat', { headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('CHANNEL_NOT_SUPPORTED');
  });
});

describe('channel configuration at start', () => {
  const base = { KAMENG_SANDBOX: '0', KAMENG_SECRET: 'production-secret-of-32-characters!', KAMENG_DATA_DIR: '/tmp/kameng-config-test' };
  it('a channel needs the public URL its provider calls back', () => {
    expect(() => loadConfig({ ...base, KAMENG_EPAY_URL: 'https://pay.example', KAMENG_EPAY_PID: '1', KAMENG_EPAY_KEY: 'k' })).toThrow(/^KAMENG_PUBLIC_URL is required with a payment channel configured/);
  });
  it('a half-configured channel names the missing variable', () => {
    expect(() => loadConfig({ ...base, KAMENG_PUBLIC_URL: 'https://shop.example', KAMENG_WECHAT_MCH_ID: '1900000000' })).toThrow('KAMENG_WECHAT_APIV3_KEY is required once the channel is configured');
  });
  it('reads a complete epay configuration', () => {
    expect(loadConfig({ ...base, KAMENG_PUBLIC_URL: 'https://shop.example', KAMENG_EPAY_URL: 'https://pay.example', KAMENG_EPAY_PID: '1', KAMENG_EPAY_KEY: 'k' }).rails)
      .toEqual({ epay: { url: 'https://pay.example/', pid: '1', key: 'k', type: 'alipay' } });
  });
});
