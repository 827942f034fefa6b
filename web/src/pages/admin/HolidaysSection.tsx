import { useState, type FormEvent } from 'react';
import { Badge } from '../../components/display';
import { ErrorNote, Loadable, Notice } from '../../components/feedback';
import { Button, SelectField, TextField } from '../../components/forms';
import { api } from '../../lib/api';
import { useAction, useResource } from '../../lib/hooks';
import { useI18n, type Lang } from '../../lib/i18n';
import type { HolidayList } from '../../lib/types';

/** A calendar date (YYYY-MM-DD) in words, with its weekday: no ISO text for people. */
function formatDay(date: string, lang: Lang): string {
  return new Intl.DateTimeFormat(lang === 'en' ? 'en-GB' : 'zh-CN', { timeZone: 'UTC', year: 'numeric', month: 'long', day: 'numeric', weekday: 'short' })
    .format(new Date(`${date}T00:00:00Z`));
}

/** 节假日调整: the admin's overrides of the chinese-days calendar, and the years it does not cover yet. */
export function Holidays() {
  const { t, lang } = useI18n();
  const list = useResource(() => api<HolidayList>('GET', '/api/admin/holidays'), []);
  const [date, setDate] = useState('');
  const [kind, setKind] = useState<'holiday' | 'workday'>('holiday');
  const [name, setName] = useState('');
  const [problems, setProblems] = useState<Record<string, string>>({});
  const [done, setDone] = useState<string | null>(null);
  const save = useAction(async () => {
    await api('POST', '/api/admin/holidays', { body: { date, kind, name: name.trim() } });
    setDone(t('admin.holidays.saved', { date: formatDay(date, lang) }));
    setName('');
    await list.reload();
  });
  const remove = useAction(async (day: string) => {
    await api('DELETE', `/api/admin/holidays/${day}`);
    setDone(t('admin.holidays.removed', { date: formatDay(day, lang) }));
    await list.reload();
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const found: Record<string, string> = {};
    if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) found.date = t('admin.holidays.dateProblem');
    if (!name.trim()) found.name = t('admin.holidays.nameProblem');
    setProblems(found);
    setDone(null);
    if (Object.keys(found).length === 0) void save.run();
  };
  return (
    <section aria-labelledby="admin-holidays">
      <h2 id="admin-holidays">{t('admin.tab.holidays')}</h2>
      <p className="muted">{t('admin.holidays.intro')}</p>
      <Loadable resource={list}>
        {(l) => (
          <>
            {l.uncoveredYears.length > 0 && <Notice kind="warning">{t('admin.holidays.uncovered', { years: l.uncoveredYears.join('、') })}</Notice>}
            {l.items.length === 0 ? <p className="muted">{t('admin.holidays.empty')}</p> : (
              <ul className="admin-list" aria-label={t('admin.holidays.listLabel')}>
                {l.items.map((h) => (
                  <li key={h.date} className="case-row">
                    <span className="case-row-main"><strong>{formatDay(h.date, lang)}</strong><span className="muted">{h.name}</span></span>
                    <span className="case-row-side">
                      <Badge tone={h.kind === 'holiday' ? 'info' : 'warn'}>{t(`admin.holidays.kind.${h.kind}`)}</Badge>
                      <Button variant="secondary" className="button-small" onClick={() => void remove.run(h.date)} pending={remove.pending}
                        aria-label={`${t('admin.holidays.remove')} · ${formatDay(h.date, lang)}`}>{t('admin.holidays.remove')}</Button>
                    </span>
                  </li>
                ))}
              </ul>
            )}
          </>
        )}
      </Loadable>
      <ErrorNote error={remove.error} />
      <form className="form card" onSubmit={submit} noValidate aria-labelledby="admin-holiday-add">
        <h3 id="admin-holiday-add">{t('admin.holidays.add')}</h3>
        <TextField label={t('admin.holidays.date')} type="date" required value={date} problem={problems.date} onChange={(e) => setDate(e.target.value)} />
        <SelectField label={t('admin.holidays.kind')} value={kind} onChange={(e) => setKind(e.target.value as 'holiday' | 'workday')}>
          <option value="holiday">{t('admin.holidays.kind.holiday')}</option>
          <option value="workday">{t('admin.holidays.kind.workday')}</option>
        </SelectField>
        <TextField label={t('admin.holidays.name')} maxLength={50} required value={name} problem={problems.name} onChange={(e) => setName(e.target.value)} />
        <ErrorNote error={save.error} />
        <Button type="submit" pending={save.pending}>{t('admin.holidays.save')}</Button>
      </form>
      {done && <Notice kind="success">{done}</Notice>}
    </section>
  );
}
