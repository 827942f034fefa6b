import { useState, type FormEvent } from 'react';
import { Empty, ErrorNote, Loadable, Notice } from '../../components/feedback';
import { Button, SelectField, TextField } from '../../components/forms';
import { api } from '../../lib/api';
import { useAction, useResource } from '../../lib/hooks';
import { useI18n } from '../../lib/i18n';
import type { CategoryView } from '../../lib/types';

/** 商品分类: add a category (top level or under one), rename and reorder the ones there are. */
export function CategoriesSection() {
  const { t, lang } = useI18n();
  const categories = useResource(() => api<{ items: CategoryView[] }>('GET', '/api/categories'), [lang]);
  return (
    <section aria-labelledby="admin-categories">
      <h2 id="admin-categories">{t('admin.tab.categories')}</h2>
      <Loadable resource={categories}>
        {({ items }) => (
          <>
            <AddCategory categories={items} onAdded={() => void categories.reload()} />
            <h3>{t('admin.categories.list')}</h3>
            {items.length === 0 ? <Empty><p>{t('admin.categories.empty')}</p></Empty> : (
              <ul className="category-rows">
                {items.map((c) => (
                  <li key={c.id} className={c.parentId ? 'category-child' : undefined}>
                    <EditCategory category={c} parent={items.find((p) => p.id === c.parentId)} onSaved={() => void categories.reload()} />
                  </li>
                ))}
              </ul>
            )}
          </>
        )}
      </Loadable>
    </section>
  );
}

function AddCategory({ categories, onAdded }: { categories: CategoryView[]; onAdded(): void }) {
  const { t } = useI18n();
  const [draft, setDraft] = useState({ name: '', nameEn: '', parentId: '', sort: '' });
  const [attempted, setAttempted] = useState(false);
  const [added, setAdded] = useState<string | null>(null);
  const problem = attempted && !draft.name.trim() ? t('admin.categories.nameRequired') : null;
  const add = useAction(async () => {
    const created = await api<CategoryView>('POST', '/api/admin/categories', {
      body: {
        name: draft.name.trim(), ...(draft.nameEn.trim() ? { nameEn: draft.nameEn.trim() } : {}), ...(draft.parentId ? { parentId: draft.parentId } : {}),
        ...(/^-?\d{1,4}$/.test(draft.sort.trim()) ? { sort: Number(draft.sort) } : {}),
      },
    });
    setAdded(created.nameZh);
    setDraft({ name: '', nameEn: '', parentId: draft.parentId, sort: '' });
    setAttempted(false);
    onAdded();
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setAttempted(true);
    setAdded(null);
    if (draft.name.trim()) void add.run();
  };
  return (
    <form className="form card" onSubmit={submit} noValidate aria-labelledby="add-category">
      <h3 id="add-category">{t('admin.categories.add')}</h3>
      <TextField label={t('admin.categories.name')} required maxLength={40} value={draft.name} onChange={(e) => setDraft({ ...draft, name: e.target.value })} problem={problem} />
      <TextField label={t('admin.categories.nameEn')} maxLength={40} value={draft.nameEn} onChange={(e) => setDraft({ ...draft, nameEn: e.target.value })} />
      <SelectField label={t('admin.categories.parent')} value={draft.parentId} onChange={(e) => setDraft({ ...draft, parentId: e.target.value })}>
        <option value="">{t('admin.categories.topLevel')}</option>
        {categories.filter((c) => c.parentId === null).map((c) => <option key={c.id} value={c.id}>{c.name}</option>)}
      </SelectField>
      <TextField label={t('admin.categories.sort')} inputMode="numeric" value={draft.sort} onChange={(e) => setDraft({ ...draft, sort: e.target.value })} />
      <ErrorNote error={add.error} />
      {added && <Notice kind="success">{t('admin.categories.created', { name: added })}</Notice>}
      <Button type="submit" pending={add.pending} pendingLabel={t('common.working')}>{t('admin.categories.create')}</Button>
    </form>
  );
}

function EditCategory({ category, parent, onSaved }: { category: CategoryView; parent?: CategoryView; onSaved(): void }) {
  const { t } = useI18n();
  const [draft, setDraft] = useState({ name: category.nameZh, nameEn: category.nameEn ?? '', sort: String(category.sort) });
  const [saved, setSaved] = useState(false);
  const label = parent ? t('admin.categories.childOf', { parent: parent.name, name: category.name }) : category.name;
  const save = useAction(async () => {
    await api<CategoryView>('PATCH', `/api/admin/categories/${category.id}`, {
      body: { name: draft.name.trim(), nameEn: draft.nameEn.trim() || null, ...(/^-?\d{1,4}$/.test(draft.sort.trim()) ? { sort: Number(draft.sort) } : {}) },
    });
    setSaved(true);
    onSaved();
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSaved(false);
    if (draft.name.trim()) void save.run();
  };
  return (
    <details>
      <summary>{label}{category.nameEn ? ` · ${category.nameEn}` : ''}</summary>
      <form className="form" onSubmit={submit} aria-label={t('admin.categories.editOf', { name: category.name })}>
        <TextField label={t('admin.categories.name')} required maxLength={40} value={draft.name} onChange={(e) => setDraft({ ...draft, name: e.target.value })} />
        <TextField label={t('admin.categories.nameEn')} maxLength={40} value={draft.nameEn} onChange={(e) => setDraft({ ...draft, nameEn: e.target.value })} />
        <TextField label={t('admin.categories.sort')} inputMode="numeric" value={draft.sort} onChange={(e) => setDraft({ ...draft, sort: e.target.value })} />
        <ErrorNote error={save.error} />
        {saved && <Notice kind="success">{t('admin.categories.saved', { name: draft.name.trim() })}</Notice>}
        <Button type="submit" variant="secondary" pending={save.pending} pendingLabel={t('common.working')}>{t('admin.categories.save')}</Button>
      </form>
    </details>
  );
}
