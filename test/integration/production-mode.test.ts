import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config';
import { password } from '../support/api';
import { useProductionApp } from '../support/harness';

const prod = useProductionApp();

describe('production mode (KAMENG_SANDBOX=0)', () => {
  it('answers /api/health with 200 and says sandbox is off', async () => {
    const res = await prod.api.call('GET', '/api/health');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ ok: true, sandbox: false });
  });

  it.each([
    ['POST', '/api/sandbox/users', { email: 'root@example.com', password, role: 'admin' }],
    ['POST', `/api/sandbox/payments/${randomUUID()}/succeed`, undefined],
    ['POST', `/api/sandbox/topups/${randomUUID()}/respond`, { result: 'success' }],
    ['POST', '/api/sandbox/clock/advance', { minutes: 60 }],
    ['GET', '/api/sandbox/clock', undefined],
  ])('%s %s answers 404', async (method, url, body) => {
    const res = await prod.api.call(method, url, { body });
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('NOT_FOUND');
  });

  it('a real payment cannot be faked: the sandbox success callback does not exist, so the order stays unpaid', async () => {
    const merchant = await prod.api.ok('POST', '/api/auth/register', { body: { email: `m-${randomUUID()}@example.com`, password, role: 'merchant' } });
    const shop = await prod.api.ok('POST', '/api/shops', { token: merchant.token, body: { name: `Prod ${randomUUID().slice(0, 8)}` } });
    // Production offers only configured channels: the sandbox channel is gone, and with none configured, nothing is on offer.
    expect(await prod.api.ok('GET', '/api/payments/channels')).toEqual({ sandbox: false, channels: [] });
    const deposit = await prod.api.call('POST', `/api/shops/${shop.id}/deposit`, { token: merchant.token, body: { amount: 10_000, channel: 'sandbox' } });
    expect(deposit.status).toBe(400);
    expect(deposit.body.error.code).toBe('CHANNEL_NOT_SUPPORTED');
    expect((await prod.api.call('POST', `/api/sandbox/payments/${randomUUID()}/succeed`)).status).toBe(404);
    const notify = await prod.api.call('POST', '/api/payments/notify/alipay', { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'trade_status=TRADE_SUCCESS' });
    expect(notify.status).toBe(404);
    const balance = await prod.api.ok('GET', `/api/shops/${shop.id}/balance`, { token: merchant.token });
    expect(balance.deposit).toBe(0);
  });

  it('refuses webhooks to loopback and private addresses (and names resolving to them)', async () => {
    const merchant = await prod.api.ok('POST', '/api/auth/register', { body: { email: `m-${randomUUID()}@example.com`, password, role: 'merchant' } });
    const shop = await prod.api.ok('POST', '/api/shops', { token: merchant.token, body: { name: `Hooks ${randomUUID().slice(0, 8)}` } });
    for (const url of ['http://127.0.0.1:8080/hook', 'http://localhost/hook', 'http://[::1]/hook', 'http://[::ffff:10.0.0.1]/hook', 'http://169.254.169.254/latest', 'https://192.168.1.10/']) {
      const res = await prod.api.call('POST', `/api/shops/${shop.id}/webhooks`, { token: merchant.token, body: { url, events: ['order.paid'] } });
      expect(res.status, url).toBe(422);
      expect(res.body.error).toMatchObject({ code: 'WEBHOOK_TARGET_PRIVATE', rule: 'webhook.public-targets-only' });
    }
    const listed = await prod.api.ok('GET', `/api/shops/${shop.id}/webhooks`, { token: merchant.token });
    expect(listed.items).toEqual([]);
  });

  it('the clock is the wall clock and cannot be moved', () => {
    expect(prod.kameng.ctx.clock.adjustable).toBe(false);
    expect(() => prod.kameng.ctx.clock.advance(60)).toThrow();
    expect(Math.abs(prod.kameng.ctx.clock.now().getTime() - Date.now())).toBeLessThan(5_000);
  });
});

describe('loadConfig', () => {
  it('refuses production mode without KAMENG_SECRET', () => {
    expect(() => loadConfig({ KAMENG_SANDBOX: '0', KAMENG_DATA_DIR: '/tmp/kameng-config-test' })).toThrow(/KAMENG_SECRET/);
  });

  it('accepts production mode with KAMENG_SECRET and turns the sandbox off', () => {
    const config = loadConfig({ KAMENG_SANDBOX: '0', KAMENG_SECRET: 'production-secret-of-32-characters!', KAMENG_DATA_DIR: '/tmp/kameng-config-test' });
    expect(config).toMatchObject({ sandbox: false, secret: 'production-secret-of-32-characters!' });
  });

  it('defaults to the sandbox', () => {
    expect(loadConfig({ KAMENG_SECRET: 'x', KAMENG_DATA_DIR: '/tmp/kameng-config-test' }).sandbox).toBe(true);
  });

  it.each(['http', '-1', '70000'])('refuses PORT=%s', (port) => {
    expect(() => loadConfig({ PORT: port, KAMENG_SECRET: 'x', KAMENG_DATA_DIR: '/tmp/kameng-config-test' })).toThrow(/PORT/);
  });
});
