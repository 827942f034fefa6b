import type { Kysely } from 'kysely';
import { productSearchText } from '../../catalog/search-text';
import { runScript } from '../script';

/**
 * The catalogue's second round: categories (two levels, a name in both languages), a product's
 * category, its paid-unit counter (销量, bumped in the payment's transaction so listing by sales is
 * a column read), a normalised search text (title + full pinyin + initials, so "dianka" finds 点卡
 * with a plain ILIKE, no extension), and product images (two WebP sizes in the content-addressed store).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await runScript(db, `
    create table categories (
      id uuid primary key,
      name text not null,
      name_en text,
      parent_id uuid references categories(id),
      sort integer not null default 0,
      created_at timestamptz not null
    );
    create unique index categories_name on categories(coalesce(parent_id, '00000000-0000-0000-0000-000000000000'::uuid), name);
    alter table products add column category_id uuid references categories(id);
    alter table products add column sales_count integer not null default 0 check (sales_count >= 0);
    alter table products add column search_text text not null default '';
    alter table products add column updated_at timestamptz;
    create index products_category on products(category_id) where category_id is not null;
    create table product_images (
      id uuid primary key,
      product_id uuid not null references products(id),
      large_sha256 text not null,
      thumb_sha256 text not null,
      width integer not null,
      height integer not null,
      position integer not null,
      created_at timestamptz not null
    );
    create index product_images_product on product_images(product_id, position);
  `);
  // Products listed before this migration get their search text once; later ones at create and edit.
  const products = await db.selectFrom('products').select(['id', 'title']).execute() as Array<{ id: string; title: string }>;
  for (const product of products) {
    await db.updateTable('products').set({ search_text: productSearchText(product.title) }).where('id', '=', product.id).execute();
  }
}
