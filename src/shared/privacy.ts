/**
 * What the other party may see of a buyer's device. The reveal log proves WHEN keys were revealed;
 * merchants get that, and only a coarse hint of where from (a /24 or /48 network, the browser's
 * first product token). The buyer and staff see everything.
 */
export function maskIp(ip: unknown): unknown {
  if (typeof ip !== 'string') return ip;
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(ip)) return ip.split('.').slice(0, 3).join('.') + '.*';
  if (ip.includes(':')) return ip.split(':').slice(0, 3).join(':') + ':*';
  return '*';
}

export function maskUserAgent(userAgent: unknown): unknown {
  if (typeof userAgent !== 'string') return userAgent;
  const first = userAgent.trim().split(/\s+/)[0] ?? '';
  return first ? `${first.slice(0, 40)} …` : '';
}

/** A copy of `data` with any `ip` / `userAgent` field masked (one level deep, and inside arrays of objects). */
export function maskDevice<T>(data: T): T {
  if (Array.isArray(data)) return data.map((item) => maskDevice(item)) as T;
  if (!data || typeof data !== 'object') return data;
  const copy: Record<string, unknown> = { ...(data as Record<string, unknown>) };
  if ('ip' in copy) copy.ip = maskIp(copy.ip);
  if ('userAgent' in copy) copy.userAgent = maskUserAgent(copy.userAgent);
  for (const [key, value] of Object.entries(copy)) {
    if (Array.isArray(value)) copy[key] = value.map((item) => (item && typeof item === 'object' ? maskDevice(item) : item));
  }
  return copy as T;
}
