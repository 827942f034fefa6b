import { describe, expect, it } from 'vitest';
import { AlipayProvider } from './alipay';
import { PaymentRails } from './registry';
import { ProviderSimulator, sandboxRailConfigs } from './simulator';
import { UnionpayProvider } from './unionpay';
import { WechatProvider } from './wechat';
import { railChannels, type Transport } from './types';

/** Each adapter against the sandbox's provider side: create, query before and after paying, refund. */
describe.each(railChannels)('%s adapter against its simulated provider', (channel) => {
  const now = new Date('2026-12-01T03:00:00Z');
  const rails = new PaymentRails(true, {}, () => now);
  const provider = rails.provider(channel)!;
  const ref = `${channel.padEnd(8, '0')}${'0'.repeat(24)}`.slice(0, 32);

  it('queries, pays, queries again and refunds, every answer signed and checked', async () => {
    const action = await provider.createPayment({ paymentRef: ref, amount: 1234, subject: 'Kameng', createdAt: now, notifyUrl: 'https://shop.example/n', returnUrl: 'https://shop.example/r' });
    expect(action.kind).toBe(channel === 'wechat' ? 'qr' : channel === 'unionpay' ? 'form' : 'redirect');
    expect(await provider.query(ref, now)).toEqual({ status: 'not_found' });
    rails.simulator!.pay(ref, 1234, now);
    expect(await provider.query(ref, now)).toMatchObject({ status: 'succeeded', amount: 1234, providerTradeNo: expect.any(String) });
    const trade = await provider.query(ref, now);
    expect(await provider.refund!({ paymentRef: ref, refundRef: 'r'.repeat(32), amount: 100, total: 1234, providerTradeNo: trade.providerTradeNo, notifyUrl: 'https://shop.example/n' }, now))
      .toMatchObject({ accepted: true });
  });

});

/** Alipay, WeChat Pay and UnionPay sign their answers: one changed byte and the adapter refuses to believe it. */
describe.each(['alipay', 'wechat', 'unionpay'] as const)('%s query answer tampered in transit', (channel) => {
  it('is refused, not read', async () => {
    const now = new Date('2026-12-01T03:00:00Z');
    const simulator = new ProviderSimulator(() => now);
    const ref = 'f'.repeat(32);
    simulator.pay(ref, 1234, now);
    const forged: Transport = async (request) => {
      const real = await simulator.transport(request);
      return { ...real, body: real.body.replace('1234', '9934').replace('12.34', '99.34') };
    };
    const configs = sandboxRailConfigs();
    const adapter = (transport: Transport) => (channel === 'alipay' ? new AlipayProvider(configs.alipay, transport, () => now)
      : channel === 'wechat' ? new WechatProvider(configs.wechat, transport, () => now) : new UnionpayProvider(configs.unionpay, transport));
    expect(await adapter(simulator.transport).query(ref, now)).toMatchObject({ amount: 1234 }); // the untouched answer is read
    await expect(adapter(forged).query(ref, now)).rejects.toThrow(/not signed|bad signature/);
  });
});

describe('Alipay 公钥证书 mode against the simulator', () => {
  it('a transfer without the certificate SNs, or with another app_cert_sn, is refused; with the configured ones it pays', async () => {
    const now = new Date('2026-12-01T03:00:00Z');
    const simulator = new ProviderSimulator(() => now);
    const configs = sandboxRailConfigs();
    const payout = (certSns: typeof configs.alipay.certSns, ref: string) => new AlipayProvider({ ...configs.alipay, certSns }, simulator.transport, () => now)
      .payout({ payoutRef: ref, amount: 500, account: 'merchant@example.com', name: '张三', createdAt: now, notifyUrl: 'https://shop.example/n' });
    expect(await payout(undefined, 'a'.repeat(32))).toEqual({ status: 'processing' });
    expect(await payout({ ...configs.alipay.certSns!, appCertSn: '0'.repeat(32) }, 'b'.repeat(32))).toEqual({ status: 'processing' });
    expect(await payout(configs.alipay.certSns, 'c'.repeat(32))).toMatchObject({ status: 'paid', providerPayoutNo: expect.any(String) });
  });
});
