import type { Lang } from '../i18n/lang';
import { formatYuan } from '../shared/money';

/** Where a reader is: the platform's time zone unless they chose another (none can today). */
export const readerTimeZoneDefault = 'Asia/Shanghai';

export interface Reader {
  lang: Lang;
  timeZone: string;
}

export const defaultReader = (lang: Lang = 'zh'): Reader => ({ lang, timeZone: readerTimeZoneDefault });

const monthsEn = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * A time as people read it in their zone: `2026年12月2日 06:48（北京时间）` or `2 Dec 2026, 06:48 (Beijing time)`.
 * Built from the zone's parts rather than a locale string, so the words do not change with the ICU version.
 */
export function formatTime(iso: string | Date, reader: Reader): string {
  const at = typeof iso === 'string' ? new Date(iso) : iso;
  if (Number.isNaN(at.getTime())) return reader.lang === 'en' ? 'an unknown time' : '未知时间';
  const parts = Object.fromEntries(new Intl.DateTimeFormat('en-US', {
    timeZone: reader.timeZone, year: 'numeric', month: 'numeric', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
  }).formatToParts(at).map((p) => [p.type, p.value]));
  const clock = `${parts.hour}:${parts.minute}`;
  const beijing = reader.timeZone === readerTimeZoneDefault;
  if (reader.lang === 'en') return `${parts.day} ${monthsEn[Number(parts.month) - 1]} ${parts.year}, ${clock} (${beijing ? 'Beijing time' : reader.timeZone})`;
  return `${parts.year}年${parts.month}月${parts.day}日 ${clock}（${beijing ? '北京时间' : reader.timeZone}）`;
}

/** Money as ¥ with two decimals (integer fen in). */
export const formatMoney = (fen: number): string => formatYuan(fen);

const endPunctuation = /[。．.！!？?；;，,、\s]+$/u;

/** Text a person wrote, made to end a sentence once: no "。。" when they ended it themselves. */
export function sentence(text: string, lang: Lang): string {
  const trimmed = text.trim().replace(endPunctuation, '');
  return trimmed ? `${trimmed}${lang === 'en' ? '.' : '。'}` : '';
}

/** Joins sentences (each already ending in its punctuation) in the reader's language. */
export const joinSentences = (lang: Lang, ...parts: Array<string | false | null | undefined>): string =>
  parts.filter((p): p is string => Boolean(p)).join(lang === 'en' ? ' ' : '');
