import { AlipayProvider } from './alipay';
import type { RailConfigs } from './config';
import { EpayProvider } from './epay';
import { ProviderSimulator, sandboxRailConfigs } from './simulator';
import { httpTransport, isRailChannel, railChannels, type PaymentProvider, type RailChannel, type Transport } from './types';
import { UnionpayProvider } from './unionpay';
import { WechatProvider } from './wechat';

/** The sandbox's own channel: no provider, `POST /api/sandbox/payments/:id/succeed` pays it directly. */
export const sandboxChannel = 'sandbox';

/**
 * The payment channels this process offers. Sandbox mode: the `sandbox` channel plus every real
 * channel, each backed by the built-in simulator. Production: only the configured channels.
 */
export class PaymentRails {
  private readonly providers = new Map<RailChannel, PaymentProvider>();
  readonly simulator: ProviderSimulator | undefined;

  constructor(sandbox: boolean, configs: RailConfigs, clock: () => Date, transport: Transport = httpTransport) {
    this.simulator = sandbox ? new ProviderSimulator(clock) : undefined;
    const using = sandbox ? sandboxRailConfigs() : configs;
    const network = this.simulator?.transport ?? transport;
    if (using.epay) this.providers.set('epay', new EpayProvider(using.epay, network));
    if (using.alipay) this.providers.set('alipay', new AlipayProvider(using.alipay, network, clock));
    if (using.wechat) this.providers.set('wechat', new WechatProvider(using.wechat, network, clock));
    if (using.unionpay) this.providers.set('unionpay', new UnionpayProvider(using.unionpay, network));
  }

  /** The gateway channels a payment may be opened on, in display order. */
  liveChannels(): string[] {
    const rails = railChannels.filter((c) => this.providers.has(c));
    return this.simulator ? [sandboxChannel, ...rails] : rails;
  }

  isLive(channel: string): boolean {
    return this.liveChannels().includes(channel);
  }

  provider(channel: string): PaymentProvider | undefined {
    return isRailChannel(channel) ? this.providers.get(channel) : undefined;
  }
}
