import { Fragment, createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { setApiLanguage } from './api';
import { zh, type MessageKey } from './messages';

export type Lang = 'zh' | 'en';
export type Translate = (key: MessageKey, vars?: Record<string, string | number>) => string;

const storageKey = 'kameng.lang';

/**
 * The catalogues in memory. Chinese is the default and ships in the main bundle; English is its own
 * chunk, fetched only when a reader chooses it (or chose it before), so Chinese readers never download it.
 */
const dictionaries: Partial<Record<Lang, Record<MessageKey, string>>> = { zh };
const loaders: Record<Lang, () => Promise<Record<MessageKey, string>>> = {
  zh: async () => zh,
  en: async () => (await import('./messages-en')).en,
};

/** The language the reader chose last time (zh when none, or when storage is blocked). */
export function preferredLang(): Lang {
  try {
    return localStorage.getItem(storageKey) === 'en' ? 'en' : 'zh';
  } catch {
    return 'zh'; // storage blocked (private mode): fall back to the default
  }
}

/** Fetches a language's catalogue once; main.tsx awaits the preferred one before the first render. */
export async function loadMessages(lang: Lang): Promise<void> {
  dictionaries[lang] ??= await loaders[lang]();
}

export function translate(lang: Lang, key: MessageKey, vars?: Record<string, string | number>): string {
  const text = dictionaries[lang]?.[key] ?? zh[key];
  if (!vars) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole));
}

interface I18n {
  lang: Lang;
  setLang(lang: Lang): void;
  t: Translate;
}

const I18nContext = createContext<I18n | null>(null);

export function I18nProvider({ children }: { children: ReactNode }) {
  // The language shown is one whose catalogue is in memory: a switch keeps the current words until the new ones arrive.
  const [lang, setLangState] = useState<Lang>(() => {
    const preferred = preferredLang();
    return dictionaries[preferred] ? preferred : 'zh';
  });
  const wanted = useRef<Lang>(lang);
  setApiLanguage(lang); // before any child's first request
  useEffect(() => {
    document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
  }, [lang]);
  const setLang = useCallback((next: Lang) => {
    wanted.current = next;
    try { localStorage.setItem(storageKey, next); } catch { /* the choice just won't survive a reload */ }
    loadMessages(next).then(
      () => { if (wanted.current === next) setLangState(next); }, // a later choice wins over a slower load
      () => { wanted.current = lang; }, // the chunk did not load (offline): stay in the language shown
    );
  }, [lang]);
  useEffect(() => {
    // The preferred catalogue failed to load before the first render: try again once mounted.
    const preferred = preferredLang();
    if (preferred !== lang) setLang(preferred);
    // Only on mount: later switches go through setLang.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  const t = useCallback<Translate>((key, vars) => translate(lang, key, vars), [lang]);
  const value = useMemo(() => ({ lang, setLang, t }), [lang, setLang, t]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const value = useContext(I18nContext);
  if (!value) throw new Error('useI18n outside I18nProvider');
  return value;
}

/** A message with React nodes in its placeholders: <Trans k="order.deliverBy" values={{ time: <When … /> }} />. */
export function Trans({ k, values }: { k: MessageKey; values: Record<string, ReactNode> }) {
  const { lang } = useI18n();
  const parts = translate(lang, k).split(/\{(\w+)\}/);
  return <>{parts.map((part, index) => (index % 2 === 1 ? <Fragment key={index}>{values[part] ?? `{${part}}`}</Fragment> : part))}</>;
}

/** For values the server may grow (statuses, event types): our words when we have them, else the raw value. */
export function labelOf(t: Translate, prefix: string, value: string): string {
  const key = `${prefix}${value}`;
  return key in zh ? t(key as MessageKey) : value;
}
