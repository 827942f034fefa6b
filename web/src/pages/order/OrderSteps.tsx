import { useI18n } from '../../lib/i18n';
import type { MessageKey } from '../../lib/messages';
import type { OrderView } from '../../lib/types';

interface Step { key: MessageKey; done: boolean; tone?: 'refunded' }

/** The last refund's time, or null: a refunded order ends there instead of at 已完成. */
const refundedAt = (o: OrderView) => o.refunds.at(-1)?.completedAt ?? o.refunds.at(-1)?.createdAt ?? null;

/**
 * 已支付 → 已发货 → 已完成. An order refunded in full ends at 已退款 (never 已完成, even when its escrow
 * was settled first), and one refunded in part says so on its last step.
 */
export function stepsOf(o: OrderView): Step[] {
  const last: Step = o.status === 'refunded'
    ? { key: 'order.step.refunded', done: true, tone: 'refunded' }
    : o.status === 'partially_refunded'
      ? { key: 'order.step.partiallyRefunded', done: Boolean(refundedAt(o)), tone: 'refunded' }
      : { key: 'order.step.completed', done: Boolean(o.completedAt) };
  return [{ key: 'order.step.paid', done: Boolean(o.paidAt) }, { key: 'order.step.delivered', done: Boolean(o.deliveredAt) }, last];
}

export function OrderSteps({ order }: { order: OrderView }) {
  const { t } = useI18n();
  const steps = stepsOf(order);
  const current = steps.findIndex((step) => !step.done);
  const finished = order.status === 'cancelled' || order.status === 'refunded';
  return (
    <ol className="steps" aria-label={t('order.steps')}>
      {steps.map((step, index) => {
        const isCurrent = index === current && !finished;
        return (
          <li key={step.key} className={`step${step.done ? ' step-done' : ''}${isCurrent ? ' step-current' : ''}${step.tone ? ' step-refunded' : ''}`} aria-current={isCurrent ? 'step' : undefined}>
            <span className="step-dot" aria-hidden="true">{step.done ? (step.tone ? '↩' : '✓') : index + 1}</span>
            <span>{t(step.key)}</span>
          </li>
        );
      })}
    </ol>
  );
}
