import { Fragment, createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { setApiLanguage } from './api';
import { en } from './messages-en';
import { zh, type MessageKey } from './messages';

export type Lang = 'zh' | 'en';
export type Translate = (key: MessageKey, vars?: Record<string, string | number>) => string;

const storageKey = 'kameng.lang';
const dictionaries: Record<Lang, Record<MessageKey, string>> = { zh, en };

function storedLang(): Lang {
  try {
    return localStorage.getItem(storageKey) === 'en' ? 'en' : 'zh';
  } catch {
    return 'zh'; // storage blocked (private mode): fall back to the default
  }
}

export function translate(lang: Lang, key: MessageKey, vars?: Record<string, string | number>): string {
  const text = dictionaries[lang][key] ?? zh[key];
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
  const [lang, setLangState] = useState<Lang>(storedLang);
  setApiLanguage(lang); // before any child's first request
  useEffect(() => {
    document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
  }, [lang]);
  const setLang = useCallback((next: Lang) => {
    setLangState(next);
    try { localStorage.setItem(storageKey, next); } catch { /* the choice just won't survive a reload */ }
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
