import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { routeTable } from '../../src/http/server';
import { openapiDocument } from '../../src/http/openapi/describe';
import { operationIds } from '../../src/http/openapi/operation-ids';
import { useTestApp } from '../support/harness';

const t = useTestApp();

interface Operation {
  operationId?: string;
  security?: Array<Record<string, string[]>>;
  'x-access'?: string[];
  responses: Record<string, { content?: Record<string, { schema: { $ref?: string } }> }>;
}

async function operations(): Promise<Array<{ key: string; op: Operation }>> {
  const spec = await t.api.ok('GET', '/api/openapi.json');
  return Object.entries(spec.paths as Record<string, Record<string, Operation>>).flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, op]) => ({ key: `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`, op })));
}

describe('GET /api/openapi.json describes every operation completely', () => {
  it('gives every operation a unique operationId, and the id table names only routes that exist', async () => {
    const ops = await operations();
    expect(ops.length).toBeGreaterThan(100);
    expect(ops.filter(({ op }) => !op.operationId).map(({ key }) => key), 'operations without an operationId').toEqual([]);
    const seen = new Map<string, string>();
    const collisions = ops.filter(({ key, op }) => { const first = seen.get(op.operationId!); seen.set(op.operationId!, key); return first !== undefined; });
    expect(collisions.map(({ key, op }) => `${key} reuses ${op.operationId}`)).toEqual([]);
    const registered = new Set(routeTable.get(t.kameng.server)!.map((r) => `${r.method} ${r.url}`));
    expect(Object.keys(operationIds).filter((key) => !registered.has(key)), 'operation-ids.ts keys with no route').toEqual([]);
  });

  it('declares a success answer, ErrorBody for every error status, and security from the access list', async () => {
    const spec = await t.api.ok('GET', '/api/openapi.json');
    expect(spec.servers).toEqual([{ url: '/' }]);
    expect(openapiDocument({ publicUrl: 'https://shop.example.com/' }).servers).toEqual([{ url: 'https://shop.example.com' }]);
    expect(spec.components.schemas.ErrorBody.properties.error.required).toEqual(['code', 'message']);
    const problems: string[] = [];
    for (const { key, op } of await operations()) {
      const statuses = Object.keys(op.responses);
      if (!statuses.some((s) => /^2(\d\d|XX)$/.test(s))) problems.push(`${key}: no 2xx response`);
      for (const status of statuses.filter((s) => Number(s) >= 400)) {
        if (op.responses[status].content?.['application/json']?.schema.$ref !== '#/components/schemas/ErrorBody') problems.push(`${key} ${status}: not ErrorBody`);
      }
      const access = op['x-access'] ?? [];
      if (access.includes('anonymous')) {
        if (op.security?.length !== 0) problems.push(`${key}: public, but security is ${JSON.stringify(op.security)}`);
      } else {
        if (!op.security?.length) problems.push(`${key}: needs a caller, but declares no security`);
        if (!statuses.includes('401')) problems.push(`${key}: needs a caller, but declares no 401`);
        if (access.includes('api_key') !== Boolean(op.security?.some((s) => 'apiKey' in s))) problems.push(`${key}: apiKey scheme disagrees with access ${access.join(',')}`);
      }
      if (['guest', 'api_key', 'buyer', 'merchant', 'staff', 'admin'].some((kind) => !access.includes(kind)) && !statuses.includes('403')) problems.push(`${key}: refuses some callers, but declares no 403`);
      if (key.includes('/:') && !statuses.includes('404')) problems.push(`${key}: no 404`);
    }
    expect(problems).toEqual([]);
    // Real statuses: 201 for a creation, 204 without a body.
    const byKey = new Map((await operations()).map(({ key, op }) => [key, op]));
    expect(Object.keys(byKey.get('POST /api/orders')!.responses)).toContain('201');
    expect(Object.keys(byKey.get('DELETE /api/products/:id/images/:imageId')!.responses)).toContain('204');
    expect(byKey.get('POST /api/orders/:id/cancel')!.security).toEqual([{ bearerSession: [] }, { sessionCookie: [], csrfToken: [] }]);
  });

  it('serves the API reference page at /api/docs with a CSP that allows exactly its inline script', async () => {
    const redirect = await t.kameng.server.inject({ method: 'GET', url: '/api/docs' });
    expect(redirect.statusCode).toBe(301);
    expect(redirect.headers.location).toBe('/api/docs/');
    const page = await t.kameng.server.inject({ method: 'GET', url: '/api/docs/' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.body).toContain('/api/openapi.json');
    const csp = String(page.headers['content-security-policy']);
    const inline = [...page.body.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g)].map((m) => m[1]);
    expect(inline.length).toBeGreaterThan(0);
    for (const script of inline) expect(csp).toContain(`'sha256-${createHash('sha256').update(script).digest('base64')}'`);
    expect(csp).not.toMatch(/script-src[^;]*'unsafe-inline'/);
    expect(csp).toContain("frame-ancestors 'none'");
    const script = await t.kameng.server.inject({ method: 'GET', url: '/api/docs/js/scalar.js' });
    expect(script.statusCode).toBe(200);
    expect(script.headers['content-type']).toMatch(/javascript/);
    // Served from memory: the same bytes again, cacheable, revalidated by its ETag, compressed once.
    expect(script.rawPayload.length).toBeGreaterThan(1_000_000);
    expect(script.headers['cache-control']).toMatch(/max-age=\d+/);
    const again = await t.kameng.server.inject({ method: 'GET', url: '/api/docs/js/scalar.js' });
    expect(again.statusCode).toBe(200);
    expect(again.headers['content-type']).toBe(script.headers['content-type']);
    expect(again.rawPayload.equals(script.rawPayload)).toBe(true);
    const etag = String(script.headers.etag);
    expect(again.headers.etag).toBe(etag);
    const revalidated = await t.kameng.server.inject({ method: 'GET', url: '/api/docs/js/scalar.js', headers: { 'if-none-match': etag } });
    expect(revalidated.statusCode).toBe(304);
    expect(revalidated.rawPayload.length).toBe(0);
    const gzipped = await t.kameng.server.inject({ method: 'GET', url: '/api/docs/js/scalar.js', headers: { 'accept-encoding': 'br;q=0, gzip' } });
    expect(gzipped.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gzipped.rawPayload).equals(script.rawPayload)).toBe(true);
    // The rest of the API keeps the strict policy.
    expect((await t.kameng.server.inject({ method: 'GET', url: '/api/health' })).headers['content-security-policy']).toMatch(/script-src 'self';/);
  });
});
