import { useQuery } from '@tanstack/react-query';
import { api } from './api';
import { queryClient } from './query';
import type { NotificationList } from './types';

/** The unread count shown on the header bell: one cached query per signed-in user, polled every 30 s. */
const pollMs = 30_000;
const unreadKey = (userId: string | undefined) => ['notifications', 'unread', userId ?? 'signed-out'] as const;

/** After something changed the count (notifications read, a case acted on): fetch it again. */
export async function refreshUnread(): Promise<void> {
  await queryClient.invalidateQueries({ queryKey: ['notifications', 'unread'] });
}

/** A page that already fetched the list sets the count it saw, saving a request. */
export function setUnread(userId: string | undefined, count: number): void {
  queryClient.setQueryData(unreadKey(userId), count);
}

export function useUnread(userId: string | undefined): number {
  const query = useQuery({
    queryKey: unreadKey(userId),
    enabled: Boolean(userId),
    refetchInterval: pollMs,
    queryFn: async () => (await api<NotificationList>('GET', '/api/notifications?unread=true&limit=1')).unread,
  });
  return userId ? query.data ?? 0 : 0;
}
