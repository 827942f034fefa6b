import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { brotliCompressSync, brotliDecompressSync, constants, gunzipSync } from 'node:zlib';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createKameng, type Kameng } from '../../src/app';
import { freshDatabase } from '../support/databases';

// A built web app of its own (as `npm run build:web` lays it out), so the test does not depend on a build.
const webRoot = mkdtempSync(path.join(tmpdir(), 'kameng-web-'));
const script = `export const lines = [${Array.from({ length: 200 }, (_, i) => `"line ${i}"`).join(',')}];\n`;
const assetUrl = '/assets/index-Ab12Cd34.js';
// The build's brotli file (quality 11) beside the script; there is no .gz, so gzip is made per request.
const prebuilt = brotliCompressSync(script, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } });

let kameng: Kameng;
beforeAll(async () => {
  process.env.KAMENG_TEST_RUN = inject('testRun');
  mkdirSync(path.join(webRoot, 'assets'));
  writeFileSync(path.join(webRoot, 'index.html'), `<!doctype html><script type="module" src="${assetUrl}"></script>`);
  writeFileSync(path.join(webRoot, `.${assetUrl}`), script);
  writeFileSync(path.join(webRoot, `.${assetUrl}.br`), prebuilt);
  writeFileSync(path.join(webRoot, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  const database = await freshDatabase(2);
  kameng = await createKameng({
    database, webRoot, logger: pino({ level: 'silent' }),
    config: { sandbox: true, secret: 'test-secret-not-for-production', schedulerIntervalMs: 0, topupSimulator: 'manual', dataDir: '/tmp/kameng-test', logLevel: 'silent' },
  });
  kameng.database = database;
});
afterAll(async () => {
  if (kameng) {
    await kameng.close();
    await kameng.database.close();
  }
  rmSync(webRoot, { recursive: true, force: true });
});

const get = (url: string, encoding?: string) => kameng.server.inject({ method: 'GET', url, headers: encoding ? { 'accept-encoding': encoding } : {} });

describe('the web app is served compressed, with hashed assets cached for a year and index.html revalidated', () => {
  it('a hashed asset comes as brotli or gzip, per Accept-Encoding, cacheable for a year', async () => {
    for (const [encoding, decode] of [['br', brotliDecompressSync], ['gzip', gunzipSync]] as const) {
      const res = await get(assetUrl, `${encoding}, identity`);
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-encoding']).toBe(encoding);
      expect(String(res.headers.vary)).toMatch(/accept-encoding/i);
      expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      expect(res.headers['content-type']).toMatch(/javascript/);
      expect(res.rawPayload.length).toBeLessThan(script.length);
      expect(decode(res.rawPayload).toString()).toBe(script);
    }
    // Brotli is the build's file, sent as it is (not compressed again).
    expect(Buffer.compare((await get(assetUrl, 'br')).rawPayload, prebuilt)).toBe(0);
    const plain = await get(assetUrl);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body).toBe(script);
  });

  it('index.html, a client-side route and an unhashed file are revalidated on every visit', async () => {
    for (const url of ['/', '/index.html', '/orders/some-client-route', '/favicon.svg']) {
      const res = await get(url, 'br, gzip');
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['cache-control'], url).toBe('no-cache');
    }
  });
});
