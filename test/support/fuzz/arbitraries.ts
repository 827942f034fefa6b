import fc from 'fast-check';

/** The JSON Schema subset @fastify/swagger emits for TypeBox schemas. */
export interface JsonSchema {
  type?: string | string[];
  format?: string;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
}

/** Real values the world offers for a field name (ids, emails, rule ids …): handlers get past the 404s. */
export type Hints = (name: string) => readonly unknown[];

const deep = (depth: number, leaf: unknown): unknown => (depth === 0 ? leaf : depth % 2 ? [deep(depth - 1, leaf)] : { a: deep(depth - 1, leaf) });

export const hostileStrings = [
  'Infinity', '-Infinity', '1e400', '-1e400', 'NaN', '-0', '0x10', '1e3', ' 42 ', '1.5', '', ' ', '\u0000', 'a\u0000b', '\ud800', '\ufeff',
  '💥🀄️中文ñ\u202egnp.exe', 'Ω'.repeat(300), 'x'.repeat(10_001), '%00', '%', '%E0%A4%A', '../../etc/passwd', "' or 1=1 --", '<script>alert(1)</script>',
  '${7*7}', 'null', 'true', '[]', '{}', '00000000-0000-0000-0000-000000000000', 'ffffffff-ffff-ffff-ffff-ffffffffffff',
  '6ba7b810-9dad-11d1-80b4-00c04fd430cg', 'not-a-uuid', 'toString', '__proto__', 'constructor', 'hasOwnProperty',
] as const;

export const hostileNumbers = [
  0, -1, -0, 0.5, 1.5, -1e-9, 1e308, -1e308, 2 ** 31, 2 ** 31 - 1, 2 ** 53, 2 ** 53 + 2, -(2 ** 53), Number.MIN_VALUE, 1e21, 100_000_001, 525_601,
] as const;

/** A value of any shape that no schema should accept as it is (or accepts and must still handle). */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: fc.constantFrom<unknown>(...hostileStrings), weight: 5 },
  { arbitrary: fc.constantFrom<unknown>(...hostileNumbers), weight: 4 },
  { arbitrary: fc.constantFrom<unknown>(null, true, false, [], {}, [null], ['Infinity'], [1, 2], { $gt: '' }, deep(40, 1), deep(8, 'x')), weight: 3 },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 40 }), weight: 2 },
  { arbitrary: fc.integer(), weight: 1 },
  { arbitrary: fc.double(), weight: 1 },
  { arbitrary: fc.anything({ maxDepth: 2, maxKeys: 3 }), weight: 1 },
);

/** The longest string generated for a field: a 4 MB key import per request would only slow the run. */
const longStringLengthMax = 20_000;

const branches = (schema: JsonSchema) => schema.anyOf ?? schema.oneOf;

function numberArb(schema: JsonSchema, integer: boolean): fc.Arbitrary<number> {
  const min = schema.minimum ?? (schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + 1 : -1_000_000_000);
  const max = schema.maximum ?? (schema.exclusiveMaximum !== undefined ? schema.exclusiveMaximum - 1 : 1_000_000_000);
  const low = Math.ceil(Math.max(min, -100));
  const near = (span: number) => fc.integer({ min: low, max: Math.floor(Math.min(max, low + span)) });
  const any = integer ? fc.integer({ min: Math.ceil(Math.max(min, -(2 ** 31))), max: Math.floor(Math.min(max, 2 ** 31 - 1)) }) : fc.double({ min, max, noNaN: true, noDefaultInfinity: true });
  return fc.oneof({ arbitrary: near(10), weight: 4 }, { arbitrary: near(2_000), weight: 2 }, { arbitrary: any, weight: 1 }, { arbitrary: fc.constantFrom(min, max), weight: 1 });
}

function stringArb(schema: JsonSchema): fc.Arbitrary<string> {
  if (schema.format === 'uuid') return fc.uuid();
  if (schema.format === 'email') return fc.emailAddress();
  if (schema.format === 'date-time') return fc.date({ noInvalidDate: true }).map((d) => d.toISOString());
  const minLength = schema.minLength ?? 0;
  const maxLength = schema.maxLength ?? 10_000;
  const short = Math.min(maxLength, Math.max(minLength, 40));
  return fc.oneof(
    { arbitrary: fc.string({ minLength, maxLength: short }), weight: 4 },
    { arbitrary: fc.string({ minLength, maxLength: short, unit: 'grapheme' }), weight: 2 },
    { arbitrary: fc.string({ minLength, maxLength: short, unit: 'binary' }), weight: 1 },
    { arbitrary: fc.constantFrom('x'.repeat(Math.min(maxLength, longStringLengthMax)), '中'.repeat(Math.min(maxLength, longStringLengthMax)), ' '.repeat(Math.max(minLength, 1))), weight: 1 },
  );
}

/** A value the schema accepts (mostly: formats and patterns beyond uuid/email are not modelled), preferring hinted real values. */
export function validValue(schema: JsonSchema, name: string, hints: Hints): fc.Arbitrary<unknown> {
  const known = hints(name);
  const generated = generate(schema, name, hints);
  if (known.length === 0 || schema.type === 'array' || schema.type === 'object') return generated;
  return fc.oneof({ arbitrary: fc.constantFrom(...known), weight: 3 }, { arbitrary: generated, weight: 1 });
}

function generate(schema: JsonSchema, name: string, hints: Hints): fc.Arbitrary<unknown> {
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  const options = branches(schema);
  if (options) return fc.oneof(...options.map((branch) => validValue(branch, name, hints)));
  if (schema.allOf) return validValue(Object.assign({}, ...schema.allOf), name, hints);
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'integer': return numberArb(schema, true);
    case 'number': return numberArb(schema, false);
    case 'boolean': return fc.boolean();
    case 'null': return fc.constant(null);
    case 'string': return stringArb(schema);
    case 'array': return fc.array(validValue(schema.items ?? {}, name, hints), { minLength: schema.minItems ?? 0, maxLength: Math.min(schema.maxItems ?? 5, 5) });
    case 'object': return objectArb(schema, name, hints);
    default: return fc.oneof(fc.string(), fc.integer(), fc.boolean());
  }
}

function objectArb(schema: JsonSchema, name: string, hints: Hints): fc.Arbitrary<unknown> {
  const properties = schema.properties ?? {};
  const required = new Set(schema.required ?? []);
  // Optional fields are left out two times in three, so a request with all its options set is rare (they often conflict).
  const absent = Symbol('absent');
  const model: Record<string, fc.Arbitrary<unknown>> = {};
  for (const [key, property] of Object.entries(properties)) {
    const value = validValue(property, key, hints);
    model[key] = required.has(key) ? value : fc.oneof({ arbitrary: fc.constant(absent), weight: 2 }, { arbitrary: value, weight: 1 });
  }
  const fixed = fc.record(model).map((record) => Object.fromEntries(Object.entries(record).filter(([, v]) => v !== absent)));
  const extra = schema.additionalProperties;
  if (!extra || extra === true) return fixed;
  // A map (such as rule id → value): real keys from the hints, and keys an `in` lookup would wrongly find.
  const keys = fc.oneof({ arbitrary: fc.constantFrom(...(hints(`${name}.keys`) as string[]), 'x'), weight: 4 }, { arbitrary: fc.constantFrom('toString', 'constructor', 'valueOf', 'hasOwnProperty'), weight: 1 }, { arbitrary: fc.string({ maxLength: 20 }), weight: 1 });
  return fc.tuple(fixed, fc.dictionary(keys, validValue(extra, `${name}.value`, hints), { maxKeys: 3 })).map(([a, b]) => ({ ...b, ...(a as object) }));
}

/** Every place a value sits in a JSON value, as property paths. */
function paths(value: unknown, prefix: Array<string | number> = [], depth = 0): Array<Array<string | number>> {
  if (depth > 6 || value === null || typeof value !== 'object') return [prefix];
  const entries = Array.isArray(value) ? value.map((v, i) => [i, v] as const) : Object.entries(value);
  return [prefix, ...entries.flatMap(([key, v]) => paths(v, [...prefix, key], depth + 1))];
}

const getAt = (value: unknown, path: Array<string | number>): unknown => path.reduce<any>((v, key) => v?.[key], value);

function setAt(value: unknown, path: Array<string | number>, replacement: unknown, remove = false): unknown {
  if (path.length === 0) return replacement;
  const copy: any = Array.isArray(value) ? [...value] : { ...(value as object) };
  const [head, ...rest] = path;
  if (rest.length === 0) {
    if (remove) { if (Array.isArray(copy)) copy.splice(Number(head), 1); else delete copy[head]; } else copy[head] = replacement;
  } else copy[head] = setAt(copy[head], rest, replacement, remove);
  return copy;
}

/** What a number field is most likely to be broken by: non-finite spellings ajv coerces, huge, negative and fractional values. */
export const hostileNumberValues: readonly unknown[] = [
  'Infinity', '-Infinity', '1e400', '-1e400', 'NaN', ['Infinity'], ['-1e400'], '9'.repeat(400), 1e308, -1e308, 2 ** 53, -1, 0, 1.5, '', null, true,
];

export type Mutation = 'none' | 'replace' | 'number' | 'remove' | 'extra' | 'hostile-root' | 'array-wrap';

/** A valid value bent one way: a hostile value somewhere, a field missing, an extra field, or the whole thing replaced. */
export function mutatedValue(schema: JsonSchema, name: string, hints: Hints): fc.Arbitrary<{ value: unknown; mutation: Mutation }> {
  const mutation = fc.constantFrom<Mutation>('none', 'none', 'none', 'none', 'none', 'replace', 'replace', 'number', 'number', 'remove', 'extra', 'hostile-root', 'array-wrap');
  return fc.tuple(validValue(schema, name, hints), mutation, hostileValue, fc.nat(), fc.string({ maxLength: 12 }), fc.constantFrom(...hostileNumberValues)).map(([value, how, hostile, pick, key, badNumber]) => {
    const where = paths(value);
    const path = where[pick % where.length]!;
    const numbers = where.filter((p) => typeof getAt(value, p) === 'number');
    switch (how) {
      case 'none': return { value, mutation: how };
      case 'replace': return { value: setAt(value, path, hostile), mutation: how };
      case 'number': return numbers.length ? { value: setAt(value, numbers[pick % numbers.length]!, badNumber), mutation: how } : { value: setAt(value, path, hostile), mutation: 'replace' };
      case 'remove': return { value: path.length ? setAt(value, path, undefined, true) : undefined, mutation: how };
      case 'extra': return { value: value && typeof value === 'object' && !Array.isArray(value) ? { ...value, [key || 'extra']: hostile } : hostile, mutation: how };
      case 'array-wrap': return { value: setAt(value, path, [getAt(value, path)]), mutation: how };
      default: return { value: hostile, mutation: how };
    }
  });
}
