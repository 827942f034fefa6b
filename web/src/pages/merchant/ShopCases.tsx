import { Loadable } from '../../components/feedback';
import { openCaseStatuses } from '../../lib/aftersales';
import { useResource } from '../../lib/hooks';
import { useI18n } from '../../lib/i18n';
import { loadPage, useOffsetParam } from '../../lib/paging';
import type { CaseSummary, ShopView } from '../../lib/types';
import { CaseList, casesPerPage } from '../aftersales/CaseList';

/** 售后: the shop's cases, the nearest deadline first. */
export function ShopCases({ shop }: { shop: ShopView }) {
  const { t } = useI18n();
  const [offset, setOffset] = useOffsetParam();
  const cases = useResource(() => loadPage<CaseSummary>('/api/refund-cases', { shopId: shop.id }, casesPerPage, offset), [shop.id, offset]);
  const page = cases.data;
  const open = page?.items.filter((c) => openCaseStatuses.includes(c.status)).length ?? 0;
  // Open cases can only be counted over the rows at hand: say so when they are not all of them.
  const wholeList = page !== undefined && page.offset === 0 && page.total !== null && page.total <= page.items.length;
  return (
    <section className="card merchant-cases" aria-labelledby="shop-cases-title">
      <div className="section-head">
        <h2 id="shop-cases-title">{t('merchant.cases')}</h2>
        {page && <span className="muted">{wholeList ? t('merchant.casesOpen', { n: open }) : t('merchant.casesOpenOnPage', { n: open })}</span>}
      </div>
      <p className="field-hint">{t('merchant.casesHint')}</p>
      <Loadable resource={cases}>
        {(loaded) => <CaseList page={loaded} onOffset={setOffset} emptyText={<p>{t('merchant.noCases')}</p>} />}
      </Loadable>
    </section>
  );
}
