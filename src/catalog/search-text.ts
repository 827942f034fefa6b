import { pinyin } from 'pinyin-pro';

/** What a query is compared in: lower case, no white space (so "dian ka" and "Steam卡" match too). */
export const normalizeSearch = (text: string): string => text.normalize('NFKC').toLowerCase().replace(/\s+/g, '');

/**
 * A product's search text: its title, the title's full pinyin and its initials, each normalised and
 * separated by a space (a query holds no space, so it never spans two parts). "星辰点卡" →
 * "星辰点卡 xingchendianka xcdk": "dianka", "dk" and "点卡" all find it with one ILIKE.
 */
export function productSearchText(title: string): string {
  const full = pinyin(title, { toneType: 'none', type: 'array', nonZh: 'consecutive', v: true }).join('');
  const initials = pinyin(title, { pattern: 'first', toneType: 'none', type: 'array', nonZh: 'consecutive', v: true }).join('');
  return [normalizeSearch(title), normalizeSearch(full), normalizeSearch(initials)].join(' ');
}

/** A LIKE pattern that finds the normalised query anywhere, its wildcards escaped. */
export const searchPattern = (query: string): string => `%${normalizeSearch(query).replace(/[%_\\]/g, (c) => `\\${c}`)}%`;
