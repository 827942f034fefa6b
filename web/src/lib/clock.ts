import { useEffect, useState } from 'react';

/**
 * The sandbox can move the server's clock forward (like Stripe's test clock), so deadlines are
 * counted against the server's "now", not the browser's.
 */
let offsetMs = 0;

export async function syncServerClock(): Promise<{ sandbox: boolean }> {
  try {
    const sentAt = Date.now();
    const response = await fetch('/api/health', { credentials: 'same-origin' });
    const body = (await response.json()) as { now?: string; sandbox?: boolean };
    if (body.now) offsetMs = new Date(body.now).getTime() - (sentAt + Date.now()) / 2;
    return { sandbox: Boolean(body.sandbox) };
  } catch {
    return { sandbox: false }; // the browser clock is a fine fallback
  }
}

export const serverNow = () => Date.now() + offsetMs;

/** Re-renders the caller every `intervalMs` with the server's current time. */
export function useNow(intervalMs = 1000): number {
  const [now, setNow] = useState(serverNow);
  useEffect(() => {
    const timer = setInterval(() => setNow(serverNow()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}
