/**
 * Writes src/http/openapi/response-bodies.ts: a JSON Schema per route and success status, inferred
 * from real answers the integration tests recorded (KAMENG_RECORD_RESPONSES=<file>, see
 * test/support/response-check.ts). The inference is cautious, so the schemas stay true for answers
 * not seen: numbers are `number` unless the field is money or a count and every value seen was an
 * integer; a field seen only as null, or an array seen only empty, is left unconstrained; a key is
 * required only when at least three answers were seen and all had it; objects keyed by ids or dates
 * are maps; no object forbids extra properties. Every later test run checks answers against them.
 * Routes whose file declares its own response schema keep it (they are skipped here).
 * Usage: npx tsx scripts/openapi-infer.ts samples.jsonl... (then review the diff)
 */
import { readFileSync, writeFileSync } from 'node:fs';

type Schema = Record<string, unknown>;
const iso = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Keys that are data, not field names: ids, dates, numbers, rule ids (order.lookup-attempts). */
const mapKey = (key: string) => uuid.test(key) || /^\d{4}-\d{2}(-\d{2})?$/.test(key) || /^\d+$/.test(key) || /^[a-z]+\.[a-z0-9.-]+$/.test(key);
const integerName = /(amount|price|balance|fee|fen|total|count|counts|quantity|stock|version|limit|offset|minutes|seconds|hours|days|size|bytes|attempts|sold|sales|remaining|discount|refunded|cents|number|year)$/i;
const requiredSamplesMin = 3;

function infer(values: unknown[], name = ''): Schema {
  const present = values.filter((v) => v !== null && v !== undefined);
  let nullable = present.length < values.length;
  if (present.length === 0) return {};
  const kinds = new Set(present.map((v) => (Array.isArray(v) ? 'array' : typeof v)));
  const parts: Schema[] = [];
  for (const kind of kinds) {
    const of = present.filter((v) => (Array.isArray(v) ? 'array' : typeof v) === kind);
    if (kind === 'string') {
      const strings = of as string[];
      parts.push({ type: 'string', ...(strings.every((s) => iso.test(s)) ? { format: 'date-time' } : strings.every((s) => uuid.test(s)) ? { format: 'uuid' } : {}) });
    } else if (kind === 'number') {
      parts.push({ type: integerName.test(name) && (of as number[]).every(Number.isInteger) ? 'integer' : 'number' });
    } else if (kind === 'boolean') {
      parts.push({ type: 'boolean' });
    } else if (kind === 'array') {
      const items = (of as unknown[][]).flat();
      parts.push({ type: 'array', items: items.length ? infer(items, name.replace(/s$/, '')) : {} });
    } else if (kind === 'object') {
      const objects = of as Record<string, unknown>[];
      const keys = [...new Set(objects.flatMap((o) => Object.keys(o)))];
      if (keys.length > 0 && keys.every(mapKey)) {
        parts.push({ type: 'object', additionalProperties: infer(objects.flatMap((o) => Object.values(o)), name) });
        continue;
      }
      const properties: Record<string, Schema> = {};
      for (const key of keys) properties[key] = infer(objects.filter((o) => key in o).map((o) => o[key]), key);
      const required = objects.length >= requiredSamplesMin ? keys.filter((key) => objects.every((o) => key in o)) : [];
      parts.push({ type: 'object', ...(required.length ? { required } : {}), properties });
    } else {
      parts.push({});
    }
  }
  let schema: Schema = parts.length === 1 ? parts[0] : parts.every((p) => typeof p.type === 'string' && Object.keys(p).length === 1) ? { type: parts.map((p) => p.type) } : { anyOf: parts };
  // Fields null in some states even when every answer seen had a value (found by the fuzz test):
  // timestamps of later events, references (cardKeyId), who did it (setBy), reasons, ratings, stock of
  // unlimited goods, a phone, a current submission.
  if (/(?<!created)At$|[a-z]Id$|By$|^(reason|rating|stock|phone|current)$/.test(name)) nullable = true;
  if (nullable) {
    if (typeof schema.type === 'string') schema = { ...schema, type: [schema.type, 'null'] };
    else if (Array.isArray(schema.type)) schema = { ...schema, type: [...schema.type, 'null'] };
    else schema = { anyOf: [...(schema.anyOf as Schema[] ?? [schema]), { type: 'null' }] };
  }
  return schema;
}

const samples = new Map<string, unknown[]>();
const ownSchemas = new Set<string>();
for (const file of process.argv.slice(2)) {
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line) continue;
    const { key, status, body, own } = JSON.parse(line) as { key: string; status: number; body: unknown; own: boolean };
    if (status < 200 || status >= 300) continue;
    if (own) { ownSchemas.add(key); continue; }
    const id = `${key} ${status}`;
    if (!samples.has(id)) samples.set(id, []);
    samples.get(id)!.push(body);
  }
}
const { successResponses } = await import('../src/http/openapi/responses');
const bodies: Record<string, Record<number, Schema>> = {};
for (const [id, values] of [...samples].sort(([a], [b]) => a.localeCompare(b))) {
  const [method, path, status] = id.split(' ');
  const key = `${method} ${path}`;
  if (ownSchemas.has(key)) continue;
  if (successResponses[key]?.schema?.content) continue;
  (bodies[key] ??= {})[Number(status)] = infer(values);
}
/** JSON with small objects and arrays on one line, so the file stays short and its diffs readable. */
function format(value: unknown, indent = ''): string {
  const flat = JSON.stringify(value);
  if (flat.length + indent.length <= 110 || value === null || typeof value !== 'object') return flat;
  const inner = `${indent}  `;
  if (Array.isArray(value)) return `[\n${value.map((item) => inner + format(item, inner)).join(',\n')}\n${indent}]`;
  return `{\n${Object.entries(value).map(([key, item]) => `${inner}${JSON.stringify(key)}: ${format(item, inner)}`).join(',\n')}\n${indent}}`;
}

const text = `import type { JsonSchema } from './responses';

/**
 * Success answer bodies by "METHOD /path" and status, generated by scripts/openapi-infer.ts from
 * the answers the integration tests recorded, then reviewed. Every test run checks every answer
 * against these (test/support/response-check.ts): when an answer changes shape, a test says which.
 * Regenerate or edit by hand; routes whose file declares its own response schema are not here.
 */
export const responseBodies: Record<string, Record<number, JsonSchema>> = ${format(bodies)};
`;
writeFileSync(new URL('../src/http/openapi/response-bodies.ts', import.meta.url), text);
console.log(`${Object.keys(bodies).length} routes, ${samples.size} route × status groups seen`);
