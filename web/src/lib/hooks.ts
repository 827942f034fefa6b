import { useCallback, useEffect, useRef, useState } from 'react';
import { useI18n } from './i18n';

export interface Resource<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload(): Promise<void>;
}

/** Loads data for a page; a slower, older request never overwrites a newer one. */
export function useResource<T>(load: () => Promise<T>, deps: readonly unknown[]): Resource<T> {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(true);
  const latest = useRef(0);
  // The caller lists what `load` depends on, as with useEffect. The language is one too: the server
  // words policies, warnings and reasons in it, so a switch fetches them again (the old words stay meanwhile).
  const { lang } = useI18n();
  const stableLoad = useCallback(load, [...deps, lang]);

  const reload = useCallback(async () => {
    const ticket = ++latest.current;
    setLoading(true);
    try {
      const value = await stableLoad();
      if (ticket === latest.current) { setData(value); setError(null); }
    } catch (caught) {
      if (ticket === latest.current) setError(caught);
    } finally {
      if (ticket === latest.current) setLoading(false);
    }
  }, [stableLoad]);

  useEffect(() => { void reload(); }, [reload]);
  return { data, error, loading, reload };
}

export interface Action<A extends unknown[], R> {
  run(...args: A): Promise<R | undefined>;
  pending: boolean;
  error: unknown;
  reset(): void;
}

/** Wraps a user action: one at a time, with its pending state and error kept for the UI to show. */
export function useAction<A extends unknown[], R>(perform: (...args: A) => Promise<R>): Action<A, R> {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const running = useRef(false);
  const run = async (...args: A): Promise<R | undefined> => {
    if (running.current) return undefined; // a double click must not act twice
    running.current = true;
    setPending(true);
    setError(null);
    try {
      return await perform(...args);
    } catch (caught) {
      setError(caught);
      return undefined;
    } finally {
      running.current = false;
      setPending(false);
    }
  };
  return { run, pending, error, reset: () => setError(null) };
}

/** Sets the tab title, so history, bookmarks and screen readers name the page. */
export function usePageTitle(title: string | undefined, appName: string): void {
  useEffect(() => {
    document.title = title ? `${title} · ${appName}` : appName;
  }, [title, appName]);
}
