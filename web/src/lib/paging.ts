import { api } from './api';
import { navigate, useLocation } from './router';

/**
 * One page of a list. `total` is null when nobody said how many there are: a server that does not
 * page yet answers only `{ items }`, and a full page may or may not be the last one.
 */
export interface PageSlice<T> {
  items: T[];
  offset: number;
  limit: number;
  total: number | null;
}

interface PagedAnswer<T> {
  items: T[];
  total?: number;
  limit?: number;
  offset?: number;
}

/** The server's cap on one answer's rows, and on offset (its Paging schema). */
const serverPageSizeMax = 100;
const serverOffsetMax = 1_000_000;

function listUrl(path: string, query: Record<string, string | undefined>, limit: number, offset: number): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) if (value !== undefined) params.set(name, value);
  params.set('limit', String(limit));
  if (offset > 0) params.set('offset', String(offset));
  return `${path}?${params}`;
}

/** GET one page of a list endpoint that takes `?limit=&offset=` and answers `{ items, total?, limit?, offset? }`. */
export async function loadPage<T>(path: string, query: Record<string, string | undefined>, limit: number, offset: number): Promise<PageSlice<T>> {
  const answer = await api<PagedAnswer<T>>('GET', listUrl(path, query, limit, offset));
  const serverPages = typeof answer.total === 'number' || typeof answer.offset === 'number';
  if (serverPages || offset === 0) {
    const total = typeof answer.total === 'number' ? answer.total : answer.items.length < limit ? offset + answer.items.length : null;
    return { items: answer.items, offset, limit, total };
  }
  // A server that does not page yet ignores offset and starts from the first row: ask for every
  // row up to the end of this page (as far as its cap allows) and cut the page out here.
  const upTo = Math.min(offset + limit, serverPageSizeMax);
  const rows = offset < upTo ? (await api<PagedAnswer<T>>('GET', listUrl(path, query, upTo, 0))).items : [];
  return { items: rows.slice(offset, offset + limit), offset, limit, total: rows.length < upTo ? rows.length : null };
}

export function emptyPage<T>(limit: number): PageSlice<T> {
  return { items: [], offset: 0, limit, total: 0 };
}

/** A list's offset kept in the URL (`?offset=`), so a reload or a shared link opens the same page. */
export function useOffsetParam(options: { keepScroll?: boolean } = {}): [number, (offset: number) => void] {
  const { pathname, search } = useLocation();
  const offset = Math.min(serverOffsetMax, Math.max(0, Math.floor(Number(search.get('offset'))) || 0));
  const setOffset = (next: number) => {
    const params = new URLSearchParams(search);
    if (next > 0) params.set('offset', String(next));
    else params.delete('offset');
    const query = params.toString();
    navigate(query ? `${pathname}?${query}` : pathname, { keepScroll: options.keepScroll });
  };
  return [offset, setOffset];
}
