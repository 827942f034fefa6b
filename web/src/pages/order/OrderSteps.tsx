import { useI18n } from '../../lib/i18n';
import type { OrderView } from '../../lib/types';

const steps = [
  { key: 'order.step.paid', at: (o: OrderView) => o.paidAt },
  { key: 'order.step.delivered', at: (o: OrderView) => o.deliveredAt },
  { key: 'order.step.completed', at: (o: OrderView) => o.completedAt },
] as const;

/** 已支付 → 已发货 → 已完成, each step done when the order carries its time. */
export function OrderSteps({ order }: { order: OrderView }) {
  const { t } = useI18n();
  const current = steps.findIndex((step) => !step.at(order));
  return (
    <ol className="steps" aria-label={t('order.steps')}>
      {steps.map((step, index) => {
        const done = Boolean(step.at(order));
        const isCurrent = index === current && order.status !== 'cancelled' && order.status !== 'refunded';
        return (
          <li key={step.key} className={`step${done ? ' step-done' : ''}${isCurrent ? ' step-current' : ''}`} aria-current={isCurrent ? 'step' : undefined}>
            <span className="step-dot" aria-hidden="true">{done ? '✓' : index + 1}</span>
            <span>{t(step.key)}</span>
          </li>
        );
      })}
    </ol>
  );
}
