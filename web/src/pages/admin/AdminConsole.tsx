import { useState, type FormEvent } from 'react';
import { Badge, DataTable, Money, When } from '../../components/display';
import { Empty, ErrorNote, Loadable, Loading, Notice } from '../../components/feedback';
import { Button, SelectField, TextArea, TextField } from '../../components/forms';
import { Pagination } from '../../components/Pagination';
import { api } from '../../lib/api';
import { formatMoney, formatPercent, parseYuan } from '../../lib/format';
import { useAction, usePageTitle, useResource, type Resource } from '../../lib/hooks';
import { labelOf, useI18n, type Translate } from '../../lib/i18n';
import type { MessageKey } from '../../lib/messages';
import { Link } from '../../lib/router';
import { useSession } from '../../lib/session';
import { CategoriesSection } from './CategoriesSection';
import { OverviewCharts, type OverviewReport } from './OverviewCharts';
import { Holidays } from './HolidaysSection';
import { ShopsSection } from './ShopsSection';
import { StuckRefunds } from './StuckRefundsSection';

const sections = ['overview', 'users', 'shops', 'rules', 'fund', 'ledger', 'channels', 'categories', 'holidays'] as const;
type Section = (typeof sections)[number];

/**
 * 管理后台 (/admin): overview charts, users, shops, rules, the compensation fund, the ledger check, payment channels,
 * categories and holiday overrides.
 * Loaded lazily from App.tsx, so buyers never download it or its chart library.
 */
export default function AdminConsole({ section: raw, id }: { section?: string; id?: string }) {
  const { t } = useI18n();
  const session = useSession();
  const section: Section | null = raw === undefined ? 'overview' : (sections as readonly string[]).includes(raw) ? (raw as Section) : null;
  usePageTitle(section ? t(`admin.tab.${section}` as MessageKey) : t('admin.title'), t('app.name'));
  if (session.state.status === 'loading') return <Loading />;
  if (!session.user) return <Notice>{t('common.signInRequired')} <Link to="/login?next=/admin">{t('nav.login')}</Link></Notice>;
  if (session.user.role !== 'admin') return <Notice>{t('admin.onlyAdmin')}</Notice>;
  return (
    <section aria-labelledby="admin-title" className="admin">
      <div className="page-head"><h1 id="admin-title">{t('admin.title')}</h1></div>
      <nav className="tabs" aria-label={t('admin.tabs')}>
        {sections.map((s) => (
          <Link key={s} to={s === 'overview' ? '/admin' : `/admin/${s}`} className="tab" aria-current={s === section ? 'page' : undefined}>{t(`admin.tab.${s}` as MessageKey)}</Link>
        ))}
      </nav>
      {section === 'overview' && <Overview />}
      {section === 'users' && <Users />}
      {section === 'shops' && <ShopsSection id={id} />}
      {section === 'rules' && <Rules />}
      {section === 'fund' && <Fund />}
      {section === 'ledger' && <Ledger />}
      {section === 'holidays' && <Holidays />}
      {section === 'categories' && <CategoriesSection />}
      {section === 'channels' && <Channels />}
      {section === null && <p className="empty">404</p>}
    </section>
  );
}

function Overview() {
  const { t } = useI18n();
  const [days, setDays] = useState(30);
  const report = useResource(() => api<OverviewReport>('GET', `/api/admin/reports/overview?days=${days}`), [days]);
  return (
    <section aria-labelledby="admin-overview">
      <div className="page-head">
        <h2 id="admin-overview">{t('admin.tab.overview')}</h2>
        <SelectField label={t('admin.overview.days')} value={days} onChange={(e) => setDays(Number(e.target.value))}>
          {[7, 30, 90].map((n) => <option key={n} value={n}>{t('admin.overview.lastDays', { n })}</option>)}
        </SelectField>
      </div>
      <Loadable resource={report}>
        {(r) => (
          <>
            <dl className="admin-kpis">
              <div><dt>{t('admin.overview.gmv')}</dt><dd><Money fen={r.totals.gmv} /></dd></div>
              <div><dt>{t('admin.overview.orders')}</dt><dd>{r.totals.orders}</dd></div>
              <div><dt>{t('admin.overview.refundRate')}</dt><dd>{formatPercent(r.totals.refundRate)}</dd></div>
              <div><dt>{t('admin.overview.faultRefundRate')}</dt><dd>{formatPercent(r.totals.faultRefundRate)}</dd></div>
              <div><dt>{t('admin.overview.casesOpened')}</dt><dd>{r.totals.casesOpened}</dd></div>
              <div><dt>{t('admin.overview.sla')}</dt><dd>{r.totals.slaMetPct === null ? '—' : `${r.totals.slaMetPct}%`}</dd></div>
              <div><dt>{t('admin.overview.fund')}</dt><dd><Money fen={r.fundBalance} /></dd></div>
            </dl>
            <p className="field-hint">{t('admin.overview.refundBasis')}</p>
            <h3>{t('admin.overview.byStatus')}</h3>
            {Object.keys(r.casesByStatus).length === 0 ? <p className="muted">{t('admin.overview.noCases')}</p> : (
              <ul className="badges admin-status-counts">
                {Object.entries(r.casesByStatus).map(([status, n]) => <li key={status}><Badge>{labelOf(t, 'case.status.', status)} · {n}</Badge></li>)}
              </ul>
            )}
            <OverviewCharts report={r} />
          </>
        )}
      </Loadable>
    </section>
  );
}

interface AdminUser {
  id: string; email: string; role: string; displayName: string; status: 'active' | 'disabled'; statusReason: string | null; risk: 'normal' | 'high'; riskReason: string | null; createdAt: string;
}
interface UserPage { items: AdminUser[]; total: number; limit: number; offset: number }
const roles = ['buyer', 'merchant', 'staff', 'admin'] as const;
const usersPerPage = 20;

function Users() {
  const { t } = useI18n();
  const [q, setQ] = useState('');
  const [role, setRole] = useState('');
  const [status, setStatus] = useState('');
  const [query, setQuery] = useState('');
  const [offset, setOffset] = useState(0);
  const users = useResource(() => api<UserPage>('GET', `/api/admin/users?${query}${query ? '&' : ''}limit=${usersPerPage}&offset=${offset}`), [query, offset]);
  const search = (event: FormEvent) => {
    event.preventDefault();
    const params = new URLSearchParams();
    if (q.trim()) params.set('q', q.trim());
    if (role) params.set('role', role);
    if (status) params.set('status', status);
    setQuery(params.toString());
    setOffset(0);
  };
  return (
    <section aria-labelledby="admin-users">
      <h2 id="admin-users">{t('admin.tab.users')}</h2>
      <form className="form admin-filters" onSubmit={search} role="search" aria-label={t('admin.users.search')}>
        <TextField label={t('admin.users.q')} type="search" value={q} maxLength={100} onChange={(e) => setQ(e.target.value)} />
        <SelectField label={t('admin.users.role')} value={role} onChange={(e) => setRole(e.target.value)}>
          <option value="">{t('admin.users.any')}</option>
          {roles.map((r) => <option key={r} value={r}>{t(`admin.role.${r}` as MessageKey)}</option>)}
        </SelectField>
        <SelectField label={t('admin.users.status')} value={status} onChange={(e) => setStatus(e.target.value)}>
          <option value="">{t('admin.users.any')}</option>
          <option value="active">{t('admin.status.active')}</option>
          <option value="disabled">{t('admin.status.disabled')}</option>
        </SelectField>
        <Button type="submit">{t('admin.users.search')}</Button>
      </form>
      <Loadable resource={users}>
        {(page) => page.items.length === 0 && offset === 0 ? <Empty><p>{t('admin.users.none')}</p></Empty> : (
          <>
            <p className="muted">{t('admin.users.count', { n: page.total })}</p>
            <ul className="admin-list">{page.items.map((u) => <UserRow key={u.id} user={u} onChange={() => void users.reload()} />)}</ul>
            <Pagination total={page.total} limit={usersPerPage} offset={offset} count={page.items.length} onChange={setOffset} />
          </>
        )}
      </Loadable>
      <CreateStaff onCreated={() => void users.reload()} />
    </section>
  );
}

function UserRow({ user, onChange }: { user: AdminUser; onChange: () => void }) {
  const { t } = useI18n();
  // An admin does not lock themselves out from here.
  const self = useSession().user?.id === user.id;
  const [reason, setReason] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const act = useAction(async (path: string, body: Record<string, unknown>) => {
    await api('POST', `/api/admin/users/${user.id}/${path}`, { body });
    setReason('');
    onChange();
  });
  const needReason = (run: () => void) => () => {
    if (!reason.trim()) { setProblem(t('admin.users.reasonRequired')); return; }
    setProblem(null);
    run();
  };
  const headingId = `user-${user.id}`;
  return (
    <li className="card admin-user" aria-labelledby={headingId}>
      <h3 id={headingId} className="admin-user-name">{user.displayName} <span className="muted admin-email">{user.email}</span></h3>
      <p className="badges">
        <Badge tone="info">{t(`admin.role.${user.role}` as MessageKey)}</Badge>
        <Badge tone={user.status === 'active' ? 'good' : 'bad'}>{t(`admin.status.${user.status}` as MessageKey)}</Badge>
        {user.risk === 'high' && <Badge tone="warn">{t('admin.users.highRisk')}</Badge>}
      </p>
      {user.statusReason && user.status === 'disabled' && <p className="field-hint">{t('admin.users.statusReason')}: {user.statusReason}</p>}
      {user.risk === 'high' && user.riskReason && <p className="field-hint">{t('admin.users.riskReason')}: {user.riskReason}</p>}
      <TextField label={t('admin.users.reason')} value={reason} maxLength={500} problem={problem} onChange={(e) => setReason(e.target.value)} />
      <div className="admin-actions">
        {self ? null : user.status === 'active'
          ? <Button variant="danger" pending={act.pending} onClick={needReason(() => void act.run('status', { status: 'disabled', reason: reason.trim() }))}>{t('admin.users.disable')}</Button>
          : <Button variant="secondary" pending={act.pending} onClick={needReason(() => void act.run('status', { status: 'active', reason: reason.trim() }))}>{t('admin.users.enable')}</Button>}
        {user.risk === 'high'
          ? <Button variant="secondary" pending={act.pending} onClick={() => void act.run('risk', { level: 'normal', ...(reason.trim() ? { reason: reason.trim() } : {}) })}>{t('admin.users.clearRisk')}</Button>
          : user.role === 'buyer' && <Button variant="secondary" pending={act.pending} onClick={needReason(() => void act.run('risk', { level: 'high', reason: reason.trim() }))}>{t('admin.users.flagRisk')}</Button>}
      </div>
      {act.error ? <ErrorNote error={act.error} /> : null}
    </li>
  );
}

function CreateStaff({ onCreated }: { onCreated: () => void }) {
  const { t } = useI18n();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [role, setRole] = useState<'staff' | 'admin'>('staff');
  const [created, setCreated] = useState<string | null>(null);
  const create = useAction(async () => {
    await api('POST', '/api/admin/users', { body: { email: email.trim(), password, role } });
    setCreated(email.trim());
    setEmail('');
    setPassword('');
    onCreated();
  });
  const submit = (event: FormEvent) => { event.preventDefault(); setCreated(null); void create.run(); };
  return (
    <section className="card" aria-labelledby="admin-create">
      <h3 id="admin-create">{t('admin.create.title')}</h3>
      <form className="form" onSubmit={submit}>
        <TextField label={t('admin.create.email')} type="email" required maxLength={254} autoComplete="off" value={email} onChange={(e) => setEmail(e.target.value)} />
        <TextField label={t('admin.create.password')} type="password" required minLength={8} maxLength={128} autoComplete="new-password" hint={t('admin.create.passwordHint')} value={password} onChange={(e) => setPassword(e.target.value)} />
        <SelectField label={t('admin.users.role')} value={role} onChange={(e) => setRole(e.target.value as 'staff' | 'admin')}>
          <option value="staff">{t('admin.role.staff')}</option>
          <option value="admin">{t('admin.role.admin')}</option>
        </SelectField>
        <Button type="submit" pending={create.pending}>{t('admin.create.submit')}</Button>
        {created && <Notice kind="success">{t('admin.create.done', { email: created })}</Notice>}
        {create.error ? <ErrorNote error={create.error} /> : null}
      </form>
    </section>
  );
}

interface CatalogRule { id: string; title: string; unit: string; value: number | boolean; default: number | boolean; min?: number; max?: number }
interface Catalog { version: number; rules: CatalogRule[]; versions: Array<{ version: number; note: string; publishedBy: string; publishedAt: string }> }

function Rules() {
  const { t } = useI18n();
  const catalog = useResource(() => api<Catalog>('GET', '/api/admin/rules/catalog'), []);
  // Kept here: a publish reloads the catalogue, which starts a fresh editor for the new version.
  const [published, setPublished] = useState<number | null>(null);
  return (
    <section aria-labelledby="admin-rules">
      <h2 id="admin-rules">{t('admin.tab.rules')}</h2>
      {published !== null && <Notice kind="success">{t('admin.rules.published', { n: published })}</Notice>}
      <Loadable resource={catalog}>{(c) => <RuleEditor key={c.version} catalog={c} onPublished={(version) => { setPublished(version); void catalog.reload(); }} />}</Loadable>
    </section>
  );
}

function unitLabel(t: Translate, unit: string): string {
  return labelOf(t, 'admin.unit.', unit);
}

function RuleEditor({ catalog, onPublished }: { catalog: Catalog; onPublished: (version: number) => void }) {
  const { t } = useI18n();
  const [draft, setDraft] = useState<Record<string, string | boolean>>({});
  const [reviewing, setReviewing] = useState(false);
  const [note, setNote] = useState('');
  const problems: Record<string, string> = {};
  const changes: Array<{ rule: CatalogRule; to: number | boolean }> = [];
  for (const rule of catalog.rules) {
    if (!(rule.id in draft)) continue;
    const raw = draft[rule.id];
    if (typeof raw === 'boolean') { if (raw !== rule.value) changes.push({ rule, to: raw }); continue; }
    const n = Number(raw);
    if (raw.trim() === '' || !Number.isInteger(n)) { problems[rule.id] = t('admin.rules.integer'); continue; }
    if ((rule.min !== undefined && n < rule.min) || (rule.max !== undefined && n > rule.max)) { problems[rule.id] = t('admin.rules.outOfBounds', { min: rule.min ?? '', max: rule.max ?? '' }); continue; }
    if (n !== rule.value) changes.push({ rule, to: n });
  }
  const hasProblems = Object.keys(problems).length > 0;
  const publish = useAction(async () => {
    const values = Object.fromEntries(changes.map((c) => [c.rule.id, c.to]));
    const result = await api<{ version: number }>('POST', '/api/admin/rules', { body: { values, note: note.trim() } });
    onPublished(result.version);
  });
  const show = (v: number | boolean, unit: string) => (typeof v === 'boolean' ? t(v ? 'admin.rules.on' : 'admin.rules.off') : `${v} ${unitLabel(t, unit)}`);
  return (
    <>
      <p><strong>{t('admin.rules.version', { n: catalog.version })}</strong></p>
      {!reviewing ? (
        <form className="form" onSubmit={(e) => { e.preventDefault(); if (!hasProblems && changes.length > 0) setReviewing(true); }}>
          <ul className="admin-list">
            {catalog.rules.map((rule) => (
              <li key={rule.id} className="admin-rule">
                {rule.unit === 'flag' ? (
                  <label className="check">
                    <input type="checkbox" checked={typeof draft[rule.id] === 'boolean' ? (draft[rule.id] as boolean) : (rule.value as boolean)} onChange={(e) => setDraft({ ...draft, [rule.id]: e.target.checked })} />
                    {' '}{rule.title} <code className="admin-rule-id">{rule.id}</code>
                  </label>
                ) : (
                  <TextField label={<>{rule.title} <code className="admin-rule-id">{rule.id}</code></>} inputMode="numeric"
                    value={typeof draft[rule.id] === 'string' ? (draft[rule.id] as string) : String(rule.value)}
                    hint={t('admin.rules.bounds', { min: rule.min ?? '', max: rule.max ?? '', unit: unitLabel(t, rule.unit), def: String(rule.default) })}
                    problem={problems[rule.id] ?? null}
                    onChange={(e) => setDraft({ ...draft, [rule.id]: e.target.value })} />
                )}
              </li>
            ))}
          </ul>
          <Button type="submit" disabled={hasProblems || changes.length === 0}>{t('admin.rules.review', { n: changes.length })}</Button>
        </form>
      ) : (
        <section className="card" aria-labelledby="rules-diff">
          <h3 id="rules-diff">{t('admin.rules.diffTitle', { from: catalog.version, to: catalog.version + 1 })}</h3>
          <ul className="admin-list admin-diff">
            {changes.map(({ rule, to }) => (
              <li key={rule.id}>
                <span>{rule.title} <code className="admin-rule-id">{rule.id}</code></span>
                <span><del aria-label={t('admin.rules.old')}>{show(rule.value, rule.unit)}</del> → <ins aria-label={t('admin.rules.new')}>{show(to, rule.unit)}</ins></span>
              </li>
            ))}
          </ul>
          <form className="form" onSubmit={(e) => { e.preventDefault(); if (note.trim()) void publish.run(); }}>
            <TextArea label={t('admin.rules.note')} required maxLength={500} value={note} onChange={(e) => setNote(e.target.value)} />
            <div className="admin-actions">
              <Button type="submit" pending={publish.pending} disabled={!note.trim()}>{t('admin.rules.publish')}</Button>
              <Button variant="secondary" onClick={() => setReviewing(false)}>{t('admin.rules.back')}</Button>
            </div>
            {publish.error ? <ErrorNote error={publish.error} /> : null}
          </form>
        </section>
      )}
      <h3>{t('admin.rules.history')}</h3>
      <ul className="admin-list">
        {catalog.versions.map((v) => <li key={v.version}><strong>v{v.version}</strong> · <When iso={v.publishedAt} /> · {v.note}</li>)}
      </ul>
    </>
  );
}

interface WaitingRefund { id: string; orderId: string; orderNo: string; shopId: string; shopName: string; caseId: string | null; caseReason: string | null; amount: number; channel: string; reason: string; since: string }
/** The oldest waiting refunds (a page), and the count and sum of all of them. */
interface WaitingList { items: WaitingRefund[]; count: number; totalAmount: number }

function Fund() {
  const { t } = useI18n();
  const balance = useResource(() => api<OverviewReport>('GET', '/api/admin/reports/overview?days=1'), []);
  const waiting = useResource(() => api<WaitingList>('GET', '/api/staff/refunds/waiting'), []);
  const [amount, setAmount] = useState('');
  const [memo, setMemo] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [done, setDone] = useState<number | null>(null);
  const topUp = useAction(async (fen: number) => {
    const result = await api<{ fund: number }>('POST', '/api/admin/fund/topups', { body: { amount: fen, ...(memo.trim() ? { memo: memo.trim() } : {}) } });
    setDone(result.fund);
    setAmount('');
    setMemo('');
    await Promise.all([balance.reload(), waiting.reload()]);
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const fen = parseYuan(amount);
    if (!fen) { setProblem(t('admin.fund.amountProblem')); return; }
    setProblem(null);
    setDone(null);
    void topUp.run(fen);
  };
  return (
    <section aria-labelledby="admin-fund">
      <h2 id="admin-fund">{t('admin.tab.fund')}</h2>
      <Loadable resource={balance}>{(r) => <p className="admin-balance">{t('admin.fund.balance')}: <Money fen={r.fundBalance} /></p>}</Loadable>
      <WaitingRefunds waiting={waiting} fund={balance.data?.fundBalance} />
      <StuckRefunds />
      <form className="form card" onSubmit={submit} aria-labelledby="admin-topup">
        <h3 id="admin-topup">{t('admin.fund.topUp')}</h3>
        <TextField label={t('admin.fund.amount')} inputMode="decimal" required value={amount} problem={problem} onChange={(e) => setAmount(e.target.value)} />
        <TextField label={t('admin.fund.memo')} maxLength={200} value={memo} onChange={(e) => setMemo(e.target.value)} />
        <Button type="submit" pending={topUp.pending}>{t('admin.fund.submit')}</Button>
        {done !== null && <Notice kind="success">{t('admin.fund.done', { balance: formatMoney(done) })}</Notice>}
        {topUp.error ? <ErrorNote error={topUp.error} /> : null}
      </form>
    </section>
  );
}

/** 等待基金的退款: what the fund owes buyers, beside its balance, so the admin sees how much to add. */
function WaitingRefunds({ waiting, fund }: { waiting: Resource<WaitingList>; fund: number | undefined }) {
  const { t } = useI18n();
  return (
    <section aria-labelledby="admin-waiting">
      <h3 id="admin-waiting">{t('admin.fund.waiting')}</h3>
      <Loadable resource={waiting}>
        {(w) => {
          if (w.items.length === 0) return <p className="muted">{t('admin.fund.noWaiting')}</p>;
          const shortfall = fund === undefined ? null : Math.max(0, w.totalAmount - fund);
          return (
            <>
              <p className="admin-balance">{t('admin.fund.waitingTotal', { n: w.count, amount: formatMoney(w.totalAmount) })}</p>
              {shortfall !== null && (shortfall > 0
                ? <Notice kind="warning">{t('admin.fund.shortfall', { amount: formatMoney(shortfall) })}</Notice>
                : <p className="field-hint">{t('admin.fund.covered')}</p>)}
              <ul className="admin-list">
                {w.items.map((r) => (
                  <li key={r.id} className="case-row">
                    <span className="case-row-main">
                      <Link to={`/orders/${r.orderId}`}>{t('admin.fund.order', { orderNo: r.orderNo })}</Link>
                      {r.caseId && <Link to={`/cases/${r.caseId}`}>{t('admin.fund.case')}</Link>}
                      <Link to={`/admin/shops/${r.shopId}`}>{t('admin.fund.shopLink', { name: r.shopName })}</Link>
                      {/* A case's refund reads as the buyer's reason in words; other refunds (a failed top-up) carry a written one. */}
                      <span className="muted">{labelOf(t, 'channel.', r.channel)} · {r.caseReason ? labelOf(t, 'refund.reason.', r.caseReason) : r.reason}</span>
                    </span>
                    <span className="case-row-side"><Money fen={r.amount} /><span className="field-hint">{t('admin.fund.since')} <When iso={r.since} /></span></span>
                  </li>
                ))}
              </ul>
            </>
          );
        }}
      </Loadable>
    </section>
  );
}

interface LedgerReport { balanced: boolean; violations: Array<{ invariant: string; subject: string; detail: Record<string, unknown> }>; checkedAt: string }

function Ledger() {
  const { t } = useI18n();
  const [result, setResult] = useState<LedgerReport | null>(null);
  const check = useAction(async () => setResult(await api<LedgerReport>('GET', '/api/admin/ledger/check')));
  return (
    <section aria-labelledby="admin-ledger">
      <h2 id="admin-ledger">{t('admin.tab.ledger')}</h2>
      <p className="muted">{t('admin.ledger.intro')}</p>
      <Button pending={check.pending} onClick={() => void check.run()}>{t('admin.ledger.run')}</Button>
      {check.error ? <ErrorNote error={check.error} /> : null}
      {result && (
        <div role="status" className="admin-ledger-result">
          {result.violations.length === 0
            ? <Notice kind="success">{t('admin.ledger.ok')} · <When iso={result.checkedAt} /></Notice>
            : (
              <>
                <Notice kind="warning">{t('admin.ledger.bad', { n: result.violations.length })} · <When iso={result.checkedAt} /></Notice>
                <ul className="admin-list">
                  {result.violations.map((v, i) => <li key={i} className="card"><strong>{v.invariant}</strong> <code>{v.subject}</code><pre className="admin-pre">{JSON.stringify(v.detail, null, 2)}</pre></li>)}
                </ul>
              </>
            )}
        </div>
      )}
    </section>
  );
}

interface ChannelRow { channel: string; mode: 'live' | 'sandbox' | 'not_configured'; payments: boolean; refunds: boolean; payouts: boolean; complaints: boolean }
const modeTone = { live: 'good', sandbox: 'info', not_configured: 'neutral' } as const;
const abilities = ['payments', 'refunds', 'payouts', 'complaints'] as const;

/** 支付渠道: how each channel runs here (live, sandbox, not configured) and what it can do. */
function Channels() {
  const { t } = useI18n();
  const channels = useResource(() => api<{ sandbox: boolean; items: ChannelRow[] }>('GET', '/api/admin/payments/channels'), []);
  return (
    <section aria-labelledby="admin-channels">
      <h2 id="admin-channels">{t('admin.channels.title')}</h2>
      <p className="muted">{t('admin.channels.hint')}</p>
      <Loadable resource={channels}>
        {({ items }) => (
          <DataTable labelledBy="admin-channels" rows={items} rowKey={(c) => c.channel} columns={[
            { label: t('admin.channels.channel'), rowHeader: true, cell: (c) => t(`channel.${c.channel}` as MessageKey) },
            { label: t('admin.channels.mode'), cell: (c) => <Badge tone={modeTone[c.mode]}>{t(`admin.channels.mode.${c.mode}` as MessageKey)}</Badge> },
            { label: t('admin.channels.can'), cell: (c) => abilities.filter((a) => c[a]).map((a) => t(`admin.channels.${a}` as MessageKey)).join(' · ') || '—' },
          ]} />
        )}
      </Loadable>
    </section>
  );
}
