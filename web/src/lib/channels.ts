import { api } from './api';
import { useResource } from './hooks';
import { labelOf, type Translate } from './i18n';

/** GET /api/payments/channels: the gateway channels on offer; in sandbox mode every one is simulated. */
export interface ChannelList { sandbox: boolean; channels: string[] }

export function useChannels() {
  return useResource(() => api<ChannelList>('GET', '/api/payments/channels'), []);
}

/** 支付宝 / Alipay …; an unknown channel shows as its id. */
export const channelName = (t: Translate, channel: string): string => labelOf(t, 'channel.', channel);
