import { useState, type FormEvent } from 'react';
import { Badge, Money } from '../../components/display';
import { Empty, Loadable } from '../../components/feedback';
import { Button, SelectField, TextField } from '../../components/forms';
import { Pagination } from '../../components/Pagination';
import { api } from '../../lib/api';
import { formatPercent } from '../../lib/format';
import { useResource } from '../../lib/hooks';
import { useI18n } from '../../lib/i18n';
import type { MessageKey } from '../../lib/messages';
import { Link, navigate, useLocation } from '../../lib/router';
import { ShopDetail } from './ShopDetail';
import { identityLabel, identityTone, ratingLabel, shopStatusLabel, statusTone, type AdminShop, type ShopStatus } from './shop-labels';

const statuses: ShopStatus[] = ['active', 'pending_deposit', 'suspended'];
const perPage = 20;

/** 店铺管理: the shop table (search, status filter, pages), or one shop when the path names it. */
export function ShopsSection({ id }: { id?: string }) {
  const { search } = useLocation();
  // A new search in the address (back, forward, a link) starts the form from it; paging keeps it.
  return id ? <ShopDetail key={id} id={id} /> : <ShopList key={`${search.get('q') ?? ''}|${search.get('status') ?? ''}`} />;
}

/** The filters live in the address (?q=&status=&offset=), so going back from a shop returns to the same list. */
function ShopList() {
  const { t } = useI18n();
  const { search } = useLocation();
  const q = search.get('q') ?? '';
  const status = statuses.includes(search.get('status') as ShopStatus) ? search.get('status')! : '';
  const offset = Math.max(0, Number(search.get('offset')) || 0);
  const [draftQ, setDraftQ] = useState(q);
  const [draftStatus, setDraftStatus] = useState(status);
  const query = new URLSearchParams({ ...(q ? { q } : {}), ...(status ? { status } : {}), limit: String(perPage), offset: String(offset) }).toString();
  const shops = useResource(() => api<{ items: AdminShop[]; total: number }>('GET', `/api/admin/shops?${query}`), [query]);
  const go = (next: { q: string; status: string; offset: number }, keepScroll = false) => {
    const params = new URLSearchParams({ ...(next.q ? { q: next.q } : {}), ...(next.status ? { status: next.status } : {}), ...(next.offset ? { offset: String(next.offset) } : {}) });
    const text = params.toString();
    navigate(`/admin/shops${text ? `?${text}` : ''}`, { keepScroll });
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    go({ q: draftQ.trim(), status: draftStatus, offset: 0 });
  };
  return (
    <section aria-labelledby="admin-shops">
      <div className="page-head">
        <h2 id="admin-shops">{t('admin.tab.shops')}</h2>
        <Link to="/admin/identities">{t('admin.shops.identityQueue')}</Link>
      </div>
      <form className="form admin-filters" onSubmit={submit} role="search" aria-label={t('admin.shops.search')}>
        <TextField label={t('admin.shops.q')} type="search" value={draftQ} maxLength={100} onChange={(e) => setDraftQ(e.target.value)} />
        <SelectField label={t('admin.shops.statusFilter')} value={draftStatus} onChange={(e) => setDraftStatus(e.target.value)}>
          <option value="">{t('admin.users.any')}</option>
          {statuses.map((s) => <option key={s} value={s}>{shopStatusLabel(t, s)}</option>)}
        </SelectField>
        <Button type="submit">{t('admin.shops.search')}</Button>
      </form>
      <Loadable resource={shops}>
        {(page) => page.items.length === 0 && offset === 0 ? <Empty><p>{t('admin.shops.none')}</p></Empty> : (
          <>
            <p className="muted" aria-live="polite">{t('admin.shops.count', { n: page.total })}</p>
            <ShopTable shops={page.items} />
            <Pagination total={page.total} limit={perPage} offset={offset} count={page.items.length} onChange={(next) => go({ q, status, offset: next }, true)} />
          </>
        )}
      </Loadable>
    </section>
  );
}

/** A table at desk width; below 640 px each row stacks as a card, every cell with its column's name. */
function ShopTable({ shops }: { shops: AdminShop[] }) {
  const { t } = useI18n();
  const columns: MessageKey[] = ['admin.shops.col.shop', 'admin.shops.col.status', 'admin.shops.col.identity', 'admin.shops.col.deposit', 'admin.shops.col.available', 'admin.shops.col.credit', 'admin.shops.col.refundRate', 'admin.shops.col.rating', 'admin.shops.col.openCases'];
  const cell = (index: number) => ({ 'data-label': t(columns[index]) });
  return (
    <div className="admin-shop-table-wrap">
      <table className="admin-shop-table">
        <caption className="visually-hidden">{t('admin.tab.shops')}</caption>
        <thead><tr>{columns.map((key) => <th key={key} scope="col">{t(key)}</th>)}</tr></thead>
        <tbody>
          {shops.map((s) => (
            <tr key={s.id}>
              <th scope="row" {...cell(0)}>
                <Link to={`/admin/shops/${s.id}`}>{s.name}</Link>
                <span className="muted admin-shop-owner">{s.ownerEmail}</span>
              </th>
              <td {...cell(1)}><Badge tone={statusTone[s.status]}>{shopStatusLabel(t, s.status)}</Badge></td>
              <td {...cell(2)}><Badge tone={identityTone[s.identityStatus]}>{identityLabel(t, s.identityStatus)}</Badge></td>
              <td {...cell(3)}><Money fen={s.depositBalance} /></td>
              <td {...cell(4)}><Money fen={s.availableBalance} /></td>
              <td {...cell(5)}>{s.creditScore}{s.demoted && <> <Badge tone="warn">{t('admin.shops.demoted')}</Badge></>}</td>
              <td {...cell(6)}>{formatPercent(s.refundRate)}</td>
              <td {...cell(7)}>{ratingLabel(t, s)}</td>
              <td {...cell(8)}>{s.openCases}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
