import { formatPercent } from '../lib/format';
import { labelOf, useI18n } from '../lib/i18n';

/** One part of the score as the shop page and the admin's shop detail receive it. */
export interface CreditPart { id: string; value: number | null; weight: number; points: number }

/** How a shop's credit score came about: the window, then each part with its fact, points and share of the weight. */
export function CreditBreakdown({ credit }: { credit: { windowDays: number; components: CreditPart[] } }) {
  const { t } = useI18n();
  const totalWeight = Math.max(1, credit.components.reduce((sum, c) => sum + c.weight, 0));
  const valueText = (id: string, value: number | null) => {
    if (value === null) return t('shop.componentValue.none');
    if (id === 'refund_rate') return formatPercent(value);
    if (id === 'response_time') return t('shop.minutes', { n: value });
    if (id === 'rating') return `${value.toFixed(1)} / 5`;
    return String(value);
  };
  return (
    <>
      <p className="field-hint">{t('shop.creditIntro', { days: credit.windowDays })}</p>
      <ul className="plain-list">
        {credit.components.map((c) => (
          <li key={c.id} className="row">
            <span>{labelOf(t, 'shop.component.', c.id)}</span>
            <span className="muted">{valueText(c.id, c.value)}</span>
            <span>{t('shop.componentPoints', { points: c.points, weight: Math.round(c.weight * 100 / totalWeight) })}</span>
          </li>
        ))}
      </ul>
    </>
  );
}
