import { randomUUID } from 'node:crypto';
import { sql, type RawBuilder } from 'kysely';
import type { Actor, Ctx } from '../context';
import type { Db, Tx } from '../db/connect';
import type { Category } from '../db/schema';
import type { Lang } from '../i18n/lang';
import { AppError, conflict, invalid, notFound } from '../shared/errors';
import { requireRole } from './shops';

export const categoryNameLengthMax = 40;
export const categoriesMax = 500;

export interface CategoryView {
  id: string;
  /** In the reader's language: the English name when the reader prefers English and one is set. */
  name: string;
  nameZh: string;
  nameEn: string | null;
  parentId: string | null;
  sort: number;
}

const categoryView = (c: Category, lang: Lang): CategoryView => ({
  id: c.id, name: lang === 'en' && c.name_en ? c.name_en : c.name, nameZh: c.name, nameEn: c.name_en, parentId: c.parent_id, sort: c.sort,
});

/** Every category, parents before children, each level by its sort then name. */
export async function listCategories(ctx: Ctx, lang: Lang): Promise<CategoryView[]> {
  const rows = await ctx.db.selectFrom('categories').selectAll().orderBy('sort').orderBy('name').limit(categoriesMax).execute();
  const top = rows.filter((c) => c.parent_id === null);
  return top.flatMap((parent) => [parent, ...rows.filter((c) => c.parent_id === parent.id)]).map((c) => categoryView(c, lang));
}

/**
 * Categories have two levels (游戏点卡 → Steam): a parent must itself be top-level, which keeps the
 * catalogue's filter one indexed IN list rather than a recursive walk.
 */
async function checkParent(db: Db | Tx, parentId: string | null | undefined): Promise<void> {
  if (!parentId) return;
  const parent = await db.selectFrom('categories').select(['id', 'parent_id']).where('id', '=', parentId).executeTakeFirst();
  if (!parent) throw new AppError('CATEGORY_NOT_FOUND', 400, 'the parent category does not exist', { details: { parentId } });
  if (parent.parent_id) throw invalid('categories have two levels: the parent must be a top-level category', '分类最多两级：上级分类必须是一级分类。');
}

function cleanName(name: string, field: string): string {
  const trimmed = name.trim();
  if (!trimmed) throw invalid(`${field} must not be blank`, '分类名称不能为空。');
  return trimmed;
}

const duplicateName = (error: unknown): never => {
  if ((error as { code?: string }).code === '23505') throw conflict('CATEGORY_NAME_TAKEN', 'a category with this name exists at this level already');
  throw error;
};

/** Admin: adds a category (top-level, or under a top-level one). */
export async function createCategory(
  ctx: Ctx, actor: Actor, input: { name: string; nameEn?: string | null; parentId?: string | null; sort?: number }, lang: Lang,
): Promise<CategoryView> {
  requireRole(actor, 'admin');
  const name = cleanName(input.name, 'name');
  await checkParent(ctx.db, input.parentId);
  const row = await ctx.db.insertInto('categories').values({
    id: randomUUID(), name, name_en: input.nameEn?.trim() || null, parent_id: input.parentId ?? null, sort: input.sort ?? 0, created_at: ctx.clock.now(),
  }).returningAll().executeTakeFirstOrThrow().catch(duplicateName);
  return categoryView(row, lang);
}

/** Admin: renames or reorders a category. */
export async function updateCategory(
  ctx: Ctx, actor: Actor, categoryId: string, input: { name?: string; nameEn?: string | null; sort?: number }, lang: Lang,
): Promise<CategoryView> {
  requireRole(actor, 'admin');
  const changes = {
    ...(input.name !== undefined ? { name: cleanName(input.name, 'name') } : {}),
    ...(input.nameEn !== undefined ? { name_en: input.nameEn?.trim() || null } : {}),
    ...(input.sort !== undefined ? { sort: input.sort } : {}),
  };
  if (Object.keys(changes).length === 0) throw invalid('nothing to change: send name, nameEn or sort', '没有要修改的内容：请填写名称、英文名称或排序。');
  const row = await ctx.db.updateTable('categories').set(changes).where('id', '=', categoryId).returningAll().executeTakeFirst().catch(duplicateName);
  if (!row) throw notFound('category');
  return categoryView(row, lang);
}

/** A product's category must exist; an unknown id is the caller's mistake (400), not a missing product. */
export async function checkCategory(db: Db | Tx, categoryId: string | null | undefined): Promise<void> {
  if (!categoryId) return;
  const found = await db.selectFrom('categories').select('id').where('id', '=', categoryId).executeTakeFirst();
  if (!found) throw new AppError('CATEGORY_NOT_FOUND', 400, 'this category does not exist', { details: { categoryId } });
}

/** The category and its children, for the catalogue's filter. */
export const categoryAndChildrenSql = (categoryId: string): RawBuilder<unknown> =>
  sql`(select c.id from categories c where c.id = ${categoryId} or c.parent_id = ${categoryId})`;
