import { Loadable } from '../../components/feedback';
import { api } from '../../lib/api';
import { openCaseStatuses } from '../../lib/aftersales';
import { useResource } from '../../lib/hooks';
import { useI18n } from '../../lib/i18n';
import type { CaseSummary, ShopView } from '../../lib/types';
import { CaseList } from '../aftersales/CaseList';

/** 售后: the shop's cases, the nearest deadline first. */
export function ShopCases({ shop }: { shop: ShopView }) {
  const { t } = useI18n();
  const cases = useResource(() => api<{ items: CaseSummary[] }>('GET', `/api/refund-cases?shopId=${shop.id}&limit=100`), [shop.id]);
  const open = cases.data?.items.filter((c) => openCaseStatuses.includes(c.status)).length ?? 0;
  return (
    <section className="card merchant-cases" aria-labelledby="shop-cases-title">
      <div className="section-head">
        <h2 id="shop-cases-title">{t('merchant.cases')}</h2>
        {cases.data && <span className="muted">{t('merchant.casesOpen', { n: open })}</span>}
      </div>
      <p className="field-hint">{t('merchant.casesHint')}</p>
      <Loadable resource={cases}>
        {({ items }) => <CaseList items={items} emptyText={<p>{t('merchant.noCases')}</p>} />}
      </Loadable>
    </section>
  );
}
