import { appendFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import fastJsonStringify from 'fast-json-stringify';
import type { App } from '../../src/http/app-type';
import { anyJson, errorBodySchema } from '../../src/http/openapi/describe';
import { successResponses } from '../../src/http/openapi/responses';

/**
 * Test-only: checks every JSON answer the integration tests get against the response schema its
 * route declares for that status (the one /api/openapi.json publishes), so the document stays true.
 * A status the route does not declare is a violation too (5xx and 304 aside). Routes whose own file
 * declares a response schema are also checked the way fast-json-stringify would have serialized
 * them, so moving to JSON.stringify changed no answer. With KAMENG_RECORD_RESPONSES=<file> it also
 * appends every answer as a JSON line, for scripts/openapi-infer.ts.
 */
export function responseCheck(violations: string[]) {
  const ajv = new Ajv({ strict: false, allErrors: false, allowUnionTypes: true });
  addFormats.default(ajv);
  ajv.addSchema(errorBodySchema);
  const compiled = new WeakMap<object, ValidateFunction>();
  const stringifiers = new WeakMap<object, (value: unknown) => string>();
  const recordTo = process.env.KAMENG_RECORD_RESPONSES;
  return (app: App) => {
    app.addHook('onSend', async (request, reply, payload) => {
      const url = request.routeOptions.url;
      if (!url?.startsWith('/api/') || request.method === 'HEAD') return payload;
      const schema = request.routeOptions.schema as { response?: Record<string, Record<string, unknown>>; hide?: boolean } | undefined;
      if (!schema || schema.hide) return payload;
      const status = reply.statusCode;
      const key = `${request.method} ${url}`;
      const type = String(reply.getHeader('content-type') ?? '');
      const json = type.startsWith('application/json') && typeof payload === 'string';
      let body: unknown;
      try { body = json ? JSON.parse(payload as string) : undefined; } catch { violations.push(`${key} ${status}: answer is not JSON`); return payload; }
      const declared = schema.response?.[status] ?? (status >= 200 && status < 300 ? schema.response?.['2xx'] : undefined);
      if (recordTo && json) appendFileSync(recordTo, `${JSON.stringify({ key, status, body, own: Boolean(declared && declared !== anyJson && successResponses[key]?.schema !== declared) })}\n`);
      if (status >= 500 || status === 304) return payload;
      if (!declared) { violations.push(`${key}: answered ${status}, which its OpenAPI responses do not declare`); return payload; }
      const content = declared.content as Record<string, { schema: object }> | undefined;
      const bodySchema = content ? content['application/json']?.schema : declared;
      if (!json) {
        if (!content && declared.type !== 'null') violations.push(`${key} ${status}: answered ${type || 'no body'}, but the route declares a JSON body`);
        return payload;
      }
      if (!bodySchema) { violations.push(`${key} ${status}: answered JSON, but the route declares only ${Object.keys(content ?? {}).join(', ')}`); return payload; }
      let validate = compiled.get(bodySchema);
      if (!validate) { validate = ajv.compile(bodySchema); compiled.set(bodySchema, validate); }
      if (!validate(body)) {
        const error = validate.errors?.[0];
        violations.push(`${key} ${status}: ${error?.instancePath || '/'} ${error?.message} (${JSON.stringify(error?.params)}) in ${JSON.stringify(body).slice(0, 300)}`);
      }
      // A route's own (hand-written) success schema: fast-json-stringify would have kept exactly this answer.
      const generated = successResponses[key]?.schema === declared;
      if (status < 300 && !generated && !content) {
        let stringify = stringifiers.get(bodySchema);
        if (!stringify) { stringify = fastJsonStringify(bodySchema as never) as (value: unknown) => string; stringifiers.set(bodySchema, stringify); }
        const trimmed: unknown = JSON.parse(stringify(body));
        if (!isDeepStrictEqual(trimmed, body)) violations.push(`${key} ${status}: its schema would drop or change fields: ${JSON.stringify(body).slice(0, 300)} → ${JSON.stringify(trimmed).slice(0, 300)}`);
      }
      return payload;
    });
  };
}
