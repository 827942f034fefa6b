import { Badge, Money, When } from '../../components/display';
import { Loadable } from '../../components/feedback';
import type { Resource } from '../../lib/hooks';
import { labelOf, useI18n } from '../../lib/i18n';
import type { TimelineEvent } from '../../lib/types';

/** The order's hash-chained log, with the server's verdict on whether the chain is intact. */
export function Timeline({ timeline }: { timeline: Resource<{ events: TimelineEvent[]; verified: boolean }> }) {
  const { t } = useI18n();
  return (
    <section className="card" aria-labelledby="timeline-title">
      <div className="section-head">
        <h2 id="timeline-title">{t('order.timeline')}</h2>
        {timeline.data && (timeline.data.verified
          ? <Badge tone="good">✓ {t('order.chainOk')}</Badge>
          : <Badge tone="bad">✗ {t('order.chainBroken')}</Badge>)}
      </div>
      <Loadable resource={timeline}>
        {({ events, verified }) => (
          <>
            {verified && <p className="field-hint">{t('order.chainOkHint')}</p>}
            <ol className="timeline">
              {events.map((event) => (
                <li key={event.seq}>
                  <span className="timeline-type">{labelOf(t, 'event.', event.type)}</span>
                  {typeof event.data.amount === 'number' && <> · <Money fen={event.data.amount} /></>}
                  <span className="timeline-meta"><When iso={event.at} /> <code title={event.hash}>#{event.seq} {event.hash.slice(0, 10)}</code></span>
                </li>
              ))}
            </ol>
          </>
        )}
      </Loadable>
    </section>
  );
}
