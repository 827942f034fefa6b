import { useEffect } from 'react';
import { channelName, useChannels } from '../lib/channels';
import { useI18n } from '../lib/i18n';
import { SelectField } from './forms';

/** Picks one of the live gateway channels (GET /api/payments/channels); selects the first once they load. */
export function ChannelSelect({ value, onChange }: { value: string; onChange(channel: string): void }) {
  const { t } = useI18n();
  const channels = useChannels();
  const list = channels.data?.channels ?? [];
  useEffect(() => {
    if (list.length > 0 && !list.includes(value)) onChange(list[0]!);
  }, [list.join(','), value]);
  if (channels.data && list.length === 0) return <p className="field-hint">{t('product.channel.none')}</p>;
  return (
    <SelectField label={t('pay.channel')} value={value} onChange={(e) => onChange(e.target.value)} disabled={list.length === 0}>
      {list.map((channel) => <option key={channel} value={channel}>{channelName(t, channel)}</option>)}
    </SelectField>
  );
}
