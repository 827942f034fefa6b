import { existsSync } from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createKameng, type Kameng } from '../../src/app';
import { webDist } from '../../src/http/server';
import { freshDatabase } from '../support/databases';
import { useTestApp } from '../support/harness';

const t = useTestApp();
const hasWeb = existsSync(path.join(webDist, 'index.html'));

let production: Kameng;
beforeAll(async () => {
  process.env.KAMENG_TEST_RUN = inject('testRun');
  const database = await freshDatabase(2);
  production = await createKameng({
    database,
    config: { sandbox: false, secret: 'production-secret-for-the-header-test', schedulerIntervalMs: 0, topupSimulator: 'manual', dataDir: '/tmp/kameng-prod-test', logLevel: 'silent' },
    logger: pino({ level: 'silent' }),
  });
  production.database = database;
});
afterAll(async () => {
  if (!production) return;
  await production.close();
  await production.database.close();
});

const get = (kameng: Kameng, url: string) => kameng.server.inject({ method: 'GET', url });

function directives(csp: string | undefined): Record<string, string> {
  return Object.fromEntries((csp ?? '').split(';').map((d) => d.trim()).filter(Boolean).map((d) => {
    const [name, ...values] = d.split(/\s+/);
    return [name, values.join(' ')];
  }));
}

describe('security headers', () => {
  it('an API response carries the CSP, frame, referrer and nosniff headers', async () => {
    const res = await get(t.kameng, '/api/health');
    expect(res.statusCode).toBe(200);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['referrer-policy']).toBe('strict-origin-when-cross-origin');
    expect(directives(res.headers['content-security-policy'] as string)).toMatchObject({
      'default-src': "'self'", 'script-src': "'self'", 'style-src': "'self'", 'img-src': "'self' data: blob:",
      'object-src': "'none'", 'base-uri': "'self'", 'form-action': "'self'", 'frame-ancestors': "'none'",
    });
  });

  it('a 404 and an error answer carry them too', async () => {
    for (const res of [await get(t.kameng, '/api/no-such-route'), await t.kameng.server.inject({ method: 'POST', url: '/api/auth/login', payload: {} })]) {
      expect(res.statusCode).toBeGreaterThanOrEqual(400);
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    }
  });

  it.skipIf(!hasWeb)('the web app index carries them (run npm run build:web first)', async () => {
    for (const url of ['/', '/orders/some-client-route']) {
      const res = await get(t.kameng, url);
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toContain('text/html');
      expect(res.headers['x-frame-options']).toBe('DENY');
      expect(directives(res.headers['content-security-policy'] as string)['script-src']).toBe("'self'");
    }
  });

  it('the sandbox sends no HSTS and no upgrade-insecure-requests (it runs on plain http://localhost)', async () => {
    const res = await get(t.kameng, '/api/health');
    expect(res.headers['strict-transport-security']).toBeUndefined();
    expect(res.headers['content-security-policy']).not.toContain('upgrade-insecure-requests');
  });

  it('production sends HSTS for a year and upgrades insecure requests', async () => {
    const res = await get(production, '/api/health');
    expect(res.statusCode).toBe(200);
    expect(res.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
    expect(res.headers['content-security-policy']).toContain('upgrade-insecure-requests');
    expect(res.headers['x-frame-options']).toBe('DENY');
  });
});
