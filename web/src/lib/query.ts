import { QueryClient } from '@tanstack/react-query';

/**
 * The app's one query cache (TanStack Query): data shared across pages — the unread count today —
 * is fetched once, kept fresh by interval and focus, and refreshed by invalidation when something
 * changes it, instead of on every navigation.
 */
export const queryClient = new QueryClient({
  defaultOptions: {
    queries: { staleTime: 30_000, retry: 1, refetchOnWindowFocus: true },
  },
});
