import { useEffect, useSyncExternalStore } from 'react';
import { api } from './api';
import type { NotificationList } from './types';

/** The unread count shown on the header bell; pages that read notifications refresh it. */
let unread = 0;
const listeners = new Set<() => void>();
const pollMs = 30_000;

export async function refreshUnread(): Promise<void> {
  try {
    const list = await api<NotificationList>('GET', '/api/notifications?unread=true&limit=1');
    setUnread(list.unread);
  } catch {
    /* signed out or offline: keep the last count */
  }
}

export function setUnread(count: number): void {
  if (count === unread) return;
  unread = count;
  for (const listener of listeners) listener();
}

export function useUnread(active: boolean, pathname: string): number {
  const count = useSyncExternalStore((listener) => { listeners.add(listener); return () => listeners.delete(listener); }, () => unread);
  useEffect(() => {
    if (!active) { setUnread(0); return; }
    void refreshUnread();
    const timer = setInterval(() => void refreshUnread(), pollMs);
    return () => clearInterval(timer);
  }, [active, pathname]);
  return count;
}
