import fc from 'fast-check';
import { tinyPng } from '../aftersales';
import { hostileNumberValues, hostileValue, mutatedValue, validValue, type Hints, type JsonSchema } from './arbitraries';
import type { Credential } from './world';

/** One operation of /api/openapi.json. */
export interface Operation {
  method: string;
  path: string;
  parameters: Array<{ in: 'path' | 'query' | 'header' | 'cookie'; name: string; required?: boolean; schema: JsonSchema }>;
  body?: JsonSchema;
}

/** A generated request before credentials are filled in. */
export interface Draft {
  credential: Credential;
  method: string;
  url: string;
  headers: Record<string, string>;
  payload?: string | Buffer;
  /** How the body was made, for the failure report. */
  bodyKind: string;
}

export function operationsOf(openapi: { paths: Record<string, Record<string, any>> }): Operation[] {
  return Object.entries(openapi.paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => ({
    method: method.toUpperCase(),
    path,
    parameters: op.parameters ?? [],
    body: op.requestBody?.content?.['application/json']?.schema,
  })));
}

/** Half the requests go as whoever last succeeded at the operation ('preferred'), the rest as anyone. */
const credential = fc.oneof(
  { arbitrary: fc.constant<Credential>('preferred'), weight: 1 },
  { arbitrary: fc.constantFrom<Credential>('buyer', 'merchant', 'admin', 'staff', 'guest', 'buyer2', 'merchant2', 'none', 'bogus', 'cookie'), weight: 1 },
);

/** Header values must be visible ASCII to be sent at all: anything else is the HTTP client's error, not the server's. */
const headerSafe = (value: unknown) => String(typeof value === 'object' ? JSON.stringify(value) : value).replace(/[^\x20-\x7e]/g, '?').slice(0, 4_000);
/** encodeURIComponent, with lone surrogates (which it cannot encode) made U+FFFD. */
const encode = (text: string) => encodeURIComponent(text.replace(/[\ud800-\udfff]/gu, '\ufffd'));
const queryText = (value: unknown) => (typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value));

const weirdPathSegments = ['%E0%A4%A', '%', '%zz', '..', '%2F..%2Fadmin', 'a'.repeat(150), '1e400', 'Infinity', '-1', '0', '1', '2', '99999999999999999999', '%00', '%20', 'null'];

function pathValueArb(segment: string, hints: Hints): fc.Arbitrary<string> {
  const known = hints(segment).map(String);
  return fc.oneof(
    ...(known.length ? [{ arbitrary: fc.constantFrom(...known), weight: 6 }] : []),
    { arbitrary: fc.uuid(), weight: 2 },
    { arbitrary: hostileValue.map((v) => encode(queryText(v)).slice(0, 300)), weight: 1 },
    { arbitrary: fc.constantFrom(...weirdPathSegments), weight: 1 },
  );
}

function queryArb(op: Operation, hints: Hints): fc.Arbitrary<string> {
  const params = op.parameters.filter((p) => p.in === 'query');
  const one = (p: Operation['parameters'][number]) => fc.oneof(
    { arbitrary: fc.constant<string[]>([]), weight: 3 },
    { arbitrary: validValue(p.schema, p.name, hints).map((v) => [`${p.name}=${encode(queryText(v))}`]), weight: 4 },
    { arbitrary: hostileValue.map((v) => [`${p.name}=${encode(queryText(v)).slice(0, 12_000)}`]), weight: 2 },
    ...(p.schema.type === 'integer' || p.schema.type === 'number' ? [{ arbitrary: fc.constantFrom(...hostileNumberValues).map((v) => [`${p.name}=${encode(queryText(v))}`]), weight: 2 }] : []),
    { arbitrary: fc.tuple(validValue(p.schema, p.name, hints), hostileValue).map(([a, b]) => [`${p.name}=${encode(queryText(a))}`, `${p.name}=${encode(queryText(b))}`]), weight: 1 },
    { arbitrary: fc.constantFrom('%E0%A4%A', '%', '%00', '', '[]', 'a=b', '%ZZ').map((raw) => [`${p.name}=${raw}`]), weight: 1 },
  );
  const junk = fc.oneof(
    { arbitrary: fc.constant<string[]>([]), weight: 6 },
    { arbitrary: fc.tuple(fc.string({ maxLength: 10 }), hostileValue).map(([k, v]) => [`${encode(k)}=${encode(queryText(v)).slice(0, 200)}`]), weight: 1 },
    { arbitrary: fc.constantFrom('&&&', '=', '__proto__[x]=1', 'constructor[prototype][x]=1', 'a[]=1&a[]=2', '%E0%A4%A=1').map((raw) => [raw]), weight: 1 },
  );
  return fc.tuple(...params.map(one), junk).map((parts) => {
    const flat = parts.flat();
    return flat.length ? `?${flat.join('&')}` : '';
  });
}

function headerArb(op: Operation, hints: Hints): fc.Arbitrary<Record<string, string>> {
  const declared = op.parameters.filter((p) => p.in === 'header');
  const one = (p: Operation['parameters'][number]) => fc.oneof(
    { arbitrary: fc.constant<Record<string, string>>({}), weight: 2 },
    { arbitrary: fc.uuid().map((v) => ({ [p.name]: v })), weight: 3 },
    { arbitrary: validValue(p.schema, p.name, hints).map((v) => ({ [p.name]: headerSafe(v) })), weight: 1 },
    { arbitrary: hostileValue.map((v) => ({ [p.name]: headerSafe(v) })), weight: 1 },
  );
  const language = fc.constantFrom<Record<string, string>>({}, { 'accept-language': 'en' }, { 'accept-language': 'zh-CN' }, { 'accept-language': 'xx;q=abc, *' });
  const forwarded = fc.oneof(
    { arbitrary: fc.constant<Record<string, string>>({}), weight: 6 },
    { arbitrary: fc.ipV4().map((ip) => ({ 'x-forwarded-for': ip })), weight: 2 },
    { arbitrary: fc.constantFrom('not-an-ip', '::1', '2001:db8::1, 10.0.0.1', '', '999.999.999.999').map((ip) => ({ 'x-forwarded-for': ip })), weight: 1 },
  );
  return fc.tuple(...declared.map(one), language, forwarded).map((parts) => Object.assign({}, ...parts));
}

const rawJsonTexts = [
  '{"a":', '{', '[1,2', 'nul', '"a string"', '1e400', '[]', 'null', '{"a":1,"a":2}', '\ufeff{}', '{"amount":1e400}', '{"minutes":-1e400}',
  '{"__proto__":{"admin":true}}', '{"constructor":{"prototype":{"admin":true}}}', `${'['.repeat(5_000)}${']'.repeat(5_000)}`, '{"x":"\\ud800"}', '\u0000',
];
const contentTypes = ['text/plain', 'application/x-www-form-urlencoded', 'application/xml', 'application/octet-stream', 'application/json; charset=utf-16', 'application/vnd.api+json', 'multipart/form-data', 'multipart/form-data; boundary=', ''];

function multipart(parts: Array<{ name: string; filename?: string; content: Buffer | string }>, boundary = 'fuzzBoundary'): Buffer {
  const chunks = parts.flatMap((part) => [
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${part.name}"${part.filename !== undefined ? `; filename="${part.filename}"` : ''}\r\nContent-Type: application/octet-stream\r\n\r\n`),
    Buffer.isBuffer(part.content) ? part.content : Buffer.from(part.content), Buffer.from('\r\n'),
  ]);
  return Buffer.concat([...chunks, Buffer.from(`--${boundary}--\r\n`)]);
}

/** Uploads (and anything else without a JSON body): well-formed, truncated and broken multipart, and plain garbage. */
const multipartArb: fc.Arbitrary<{ kind: string; payload?: string | Buffer; type?: string }> = fc.tuple(
  fc.constantFrom('valid', 'truncated', 'wrong-field', 'no-boundary', 'boundary-mismatch', 'two-files', 'many-fields', 'empty', 'no-filename'),
  fc.constantFrom<Buffer | string>(tinyPng, 'plain text evidence', Buffer.from([0, 1, 2, 255]), ''),
  hostileValue, fc.nat(),
).map(([kind, content, hostile, cut]) => {
  const type = 'multipart/form-data; boundary=fuzzBoundary';
  const file = { name: 'file', filename: 'proof.png', content };
  const kindField = { name: 'kind', content: queryText(hostile).slice(0, 100) };
  switch (kind) {
    case 'valid': return { kind, payload: multipart([kindField, file]), type };
    case 'truncated': { const whole = multipart([kindField, file]); return { kind, payload: whole.subarray(0, cut % whole.length), type }; }
    case 'wrong-field': return { kind, payload: multipart([{ ...file, name: 'upload' }]), type };
    case 'no-boundary': return { kind, payload: multipart([file]), type: 'multipart/form-data' };
    case 'boundary-mismatch': return { kind, payload: multipart([file], 'other'), type };
    case 'two-files': return { kind, payload: multipart([file, file]), type };
    case 'many-fields': return { kind, payload: multipart([...Array.from({ length: 8 }, (_, i) => ({ name: `f${i}`, content: 'x' })), file]), type };
    case 'no-filename': return { kind, payload: multipart([{ name: 'file', content }]), type };
    default: return { kind, payload: Buffer.alloc(0), type };
  }
});

function bodyArb(op: Operation, hints: Hints): fc.Arbitrary<{ kind: string; payload?: string | Buffer; type?: string }> {
  if (op.method === 'GET') return fc.constant({ kind: 'none' });
  const json = op.body
    ? mutatedValue(op.body, '', hints).map(({ value, mutation }) => ({ kind: `json:${mutation}`, payload: value === undefined ? undefined : JSON.stringify(value), type: 'application/json' }))
    : fc.constantFrom({ kind: 'none' }, { kind: 'json:{}', payload: '{}', type: 'application/json' });
  const numberLiteral = op.body
    ? fc.tuple(validValue(op.body, '', hints), fc.constantFrom('1e400', '-1e400', '1E+2', '1.0', '-0', '0x10', '01', '.5', 'NaN', 'Infinity'))
      .map(([value, literal]) => ({ kind: `json:number-literal ${literal}`, payload: JSON.stringify(value)?.replace(/(:\s*)-?\d+(\.\d+)?/, `$1${literal}`), type: 'application/json' }))
    : json;
  return fc.oneof(
    { arbitrary: json, weight: 10 },
    { arbitrary: numberLiteral, weight: 1 },
    { arbitrary: fc.constantFrom(...rawJsonTexts).map((payload) => ({ kind: 'raw-json', payload, type: 'application/json' })), weight: 1 },
    { arbitrary: fc.tuple(fc.constantFrom(...contentTypes), json).map(([type, body]) => ({ kind: `content-type ${type || '(none)'}`, payload: body.payload ?? 'x', type })), weight: 1 },
    { arbitrary: multipartArb.map((m) => ({ ...m, kind: `multipart:${m.kind}` })), weight: op.body ? 1 : 6 },
  );
}

/** Every request this operation's fuzzing may send: credentials, path ids, query, headers and body, valid-ish and hostile. */
export function requestArb(op: Operation, hints: Hints): fc.Arbitrary<Draft> {
  const pathParams = op.parameters.filter((p) => p.in === 'path');
  const segments = pathParams.map((p) => op.path.split('/')[op.path.split('/').indexOf(`{${p.name}}`) - 1] ?? p.name);
  // Admin actions (suspending a shop, disabling a user) get their own ids, so they do not take the world's shop offline.
  const scoped = (segment: string) => (op.path.startsWith('/api/admin/') && hints(`admin:${segment}`).length ? `admin:${segment}` : segment);
  return fc.record({
    credential,
    values: fc.tuple(...segments.map((segment) => pathValueArb(scoped(segment), hints))),
    query: queryArb(op, hints),
    headers: headerArb(op, hints),
    body: bodyArb(op, hints),
  }).map(({ credential, values, query, headers, body }) => {
    let url = op.path;
    pathParams.forEach((p, i) => { url = url.replace(`{${p.name}}`, values[i]!); });
    return {
      credential, method: op.method, url: `${url}${query}`, bodyKind: body.kind, payload: body.payload,
      headers: { ...headers, ...(body.type !== undefined && body.payload !== undefined ? { 'content-type': body.type } : {}) },
    };
  });
}
