/**
 * The reader's language. The API speaks Simplified Chinese unless the request prefers English
 * (shared/API.md "Language": `Accept-Language`, zh-CN by default).
 */
export type Lang = 'zh' | 'en';

export const defaultLang: Lang = 'zh';

/**
 * The first supported language in an Accept-Language header, by quality then order
 * (`en-US,en;q=0.9,zh;q=0.8` → en). Anything unparseable or unsupported falls back to zh.
 */
export function langFromHeader(header: string | string[] | undefined): Lang {
  const value = Array.isArray(header) ? header.join(',') : header;
  if (!value) return defaultLang;
  const ranked = value.slice(0, 512).split(',').map((part, index) => {
    const [tag = '', ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const quality = q ? Number(q.slice(2)) : 1;
    return { tag: tag.trim(), quality: Number.isFinite(quality) ? quality : 0, index };
  }).filter((r) => r.quality > 0).sort((a, b) => b.quality - a.quality || a.index - b.index);
  for (const { tag } of ranked) {
    if (tag === 'zh' || tag.startsWith('zh-')) return 'zh';
    if (tag === 'en' || tag.startsWith('en-')) return 'en';
  }
  return defaultLang;
}

/** The language a request states (to remember for e-mail and SMS), or undefined when it sends no Accept-Language. */
export const statedLang = (header: string | string[] | undefined): Lang | undefined => (header && header.length ? langFromHeader(header) : undefined);

/** `{name}` placeholders filled from values; a missing value leaves the placeholder's name out. */
export function fill(template: string, values: Record<string, unknown> = {}): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = values[name];
    return value === undefined || value === null ? '' : String(value);
  });
}
