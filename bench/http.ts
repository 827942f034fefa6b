import http from 'node:http';

/**
 * A minimal JSON client on node:http with one keep-alive agent. The load generator shares two cores
 * with the server and PostgreSQL, so it should cost as little CPU per request as possible (fetch/undici
 * costs noticeably more per call than a bare http.request).
 */
const agent = new http.Agent({ keepAlive: true, maxSockets: 256, keepAliveMsecs: 10_000 });

export interface Reply<T = any> {
  status: number;
  body: T;
}

export interface CallOptions {
  body?: unknown;
  token?: string;
  headers?: Record<string, string>;
  timeoutMs?: number;
  /** A fresh TCP connection just for this call, as a new visitor would open. */
  newConnection?: boolean;
}

/** Never throws for an HTTP status; a network failure comes back as status 0 with the error message. */
export function call<T = any>(base: URL, method: string, path: string, options: CallOptions = {}): Promise<Reply<T>> {
  const payload = options.body === undefined ? undefined : Buffer.from(JSON.stringify(options.body));
  const headers: Record<string, string | number> = { accept: 'application/json', ...options.headers };
  if (payload) {
    headers['content-type'] = 'application/json';
    headers['content-length'] = payload.length;
  }
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  return new Promise((resolve) => {
    const req = http.request({
      host: base.hostname, port: base.port, path, method, headers, agent: options.newConnection ? false : agent, timeout: options.timeoutMs ?? 60_000,
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body: unknown = text;
        try { body = text ? JSON.parse(text) : null; } catch { /* keep the text */ }
        resolve({ status: res.statusCode ?? 0, body: body as T });
      });
      res.on('error', (e) => resolve({ status: 0, body: { error: { code: 'NETWORK', message: e.message } } as T }));
    });
    req.on('timeout', () => req.destroy(new Error('request timed out')));
    req.on('error', (e) => resolve({ status: 0, body: { error: { code: 'NETWORK', message: e.message } } as T }));
    req.end(payload);
  });
}

/** Like call, but a non-2xx is a setup failure worth stopping for. */
export async function must<T = any>(base: URL, method: string, path: string, options: CallOptions = {}): Promise<T> {
  const reply = await call<T>(base, method, path, options);
  if (reply.status < 200 || reply.status >= 300) {
    throw new Error(`${method} ${path} → ${reply.status} ${JSON.stringify(reply.body).slice(0, 300)}`);
  }
  return reply.body;
}

/** Runs fn over items with at most `limit` in flight. */
export async function pool<T, R>(items: T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/**
 * Opens `count` keep-alive connections up front (concurrent health checks), so every client starts
 * on an established connection. Under PGlite load a brand-new connection's first request can wait
 * many seconds (measured separately as "new conn"), which would silently idle some clients.
 */
export async function warmConnections(base: URL, count: number): Promise<void> {
  await Promise.all(Array.from({ length: count }, () => call(base, 'GET', '/api/health')));
}

export const closeConnections = () => agent.destroy();
