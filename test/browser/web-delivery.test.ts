import { brotliDecompressSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { useBrowserApp } from './browser-harness';

/** How the built web app travels (issue 9): compressed, hashed assets cached for good, the page never stale. */
describe('web app delivery', () => {
  const app = useBrowserApp();

  it('serves the page uncached and the hashed script compressed and cached for a year; the browser loads it', async () => {
    const inject = (url: string, headers: Record<string, string> = {}) => app.kameng.server.inject({ method: 'GET', url, headers });
    const page = await inject('/', { 'accept-encoding': 'br, gzip' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['cache-control']).toBe('no-cache');
    const html = brotliDecompressSync(page.rawPayload).toString();
    const script = /<script[^>]+src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();

    const plain = await inject(script!);
    const br = await inject(script!, { 'accept-encoding': 'br' });
    const gzip = await inject(script!, { 'accept-encoding': 'gzip' });
    expect(br.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(br.headers['content-encoding']).toBe('br');
    expect(gzip.headers['content-encoding']).toBe('gzip');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(brotliDecompressSync(br.rawPayload).equals(plain.rawPayload)).toBe(true);
    expect(br.rawPayload.length).toBeLessThan(plain.rawPayload.length / 2);

    // A client route (no file behind it) is the same page, also never cached.
    const route = await inject('/orders');
    expect(route.headers['cache-control']).toBe('no-cache');

    // And a real browser still runs the compressed bundle.
    const tab = await app.newPage();
    await tab.goto(app.baseUrl + '/');
    await tab.getByRole('banner').waitFor();
  });

  it('compresses long API answers too, and leaves short ones alone', async () => {
    const list = await app.kameng.server.inject({ method: 'GET', url: '/api/products', headers: { 'accept-encoding': 'gzip' } });
    expect(list.statusCode).toBe(200);
    expect(list.headers['content-encoding']).toBe('gzip');
    const health = await app.kameng.server.inject({ method: 'GET', url: '/api/health', headers: { 'accept-encoding': 'gzip' } });
    expect(health.headers['content-encoding']).toBeUndefined();
    expect(String(list.headers.vary)).toMatch(/accept-encoding/i);
    expect(String(list.headers.vary)).toMatch(/accept-language/i);
  });
});
